-- 0019 outgoing mail: the outbox (what a message is for and the row it is about, the recipient, subject and text sealed together and wiped once it has gone, attempts, and when it went or why it could not).
CREATE TABLE outgoing_mail (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Purpose" character varying(40) NOT NULL,
    "About" uuid NOT NULL,
    "Sealed" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "Attempts" integer NOT NULL,
    "NextAttemptAt" timestamp with time zone NOT NULL,
    "SentAt" timestamp with time zone,
    "FailedAt" timestamp with time zone,
    "Failure" character varying(40),
    CONSTRAINT "PK_outgoing_mail" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_outgoing_mail_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_outgoing_mail_NextAttemptAt" ON outgoing_mail ("NextAttemptAt");
CREATE INDEX "IX_outgoing_mail_OrganisationId_About" ON outgoing_mail ("OrganisationId", "About");
