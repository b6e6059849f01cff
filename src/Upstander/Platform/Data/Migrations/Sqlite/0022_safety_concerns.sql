-- 0022 safety concerns: signs, during a conversation, that the person who asked for support may be at risk (a message or feedback comment in which the safety screen found risk, or the supporter's worry). Levels, categories and times only, never the words; at most one open concern per conversation. Each message keeps the level the screen found in it.
ALTER TABLE "support_messages" ADD "Risk" INTEGER NOT NULL DEFAULT 0;
CREATE TABLE "support_safety_concerns" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_safety_concerns" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "RaisedAt" INTEGER NOT NULL,
    "Source" TEXT NOT NULL,
    "Level" INTEGER NOT NULL,
    "Categories" TEXT NOT NULL,
    "Signs" INTEGER NOT NULL,
    "LastSignAt" INTEGER NOT NULL,
    "FollowedUpAt" INTEGER NULL,
    "FollowedUpBy" TEXT NULL,
    CONSTRAINT "FK_support_safety_concerns_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_safety_concerns_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "support_requests" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_safety_concerns_OrganisationId_FollowedUpAt" ON "support_safety_concerns" ("OrganisationId", "FollowedUpAt");
CREATE UNIQUE INDEX "IX_support_safety_concerns_RequestId_Open" ON "support_safety_concerns" ("RequestId") WHERE "FollowedUpAt" IS NULL;
