-- 0019 outgoing mail: the outbox (what a message is for and the row it is about, the recipient, subject and text sealed together and wiped once it has gone, attempts, and when it went or why it could not).
CREATE TABLE "outgoing_mail" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_outgoing_mail" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Purpose" TEXT NOT NULL,
    "About" TEXT NOT NULL,
    "Sealed" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "SentAt" INTEGER NULL,
    "FailedAt" INTEGER NULL,
    "Failure" TEXT NULL,
    CONSTRAINT "FK_outgoing_mail_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_outgoing_mail_NextAttemptAt" ON "outgoing_mail" ("NextAttemptAt");
CREATE INDEX "IX_outgoing_mail_OrganisationId_About" ON "outgoing_mail" ("OrganisationId", "About");
