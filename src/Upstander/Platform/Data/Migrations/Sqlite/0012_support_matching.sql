-- 0012 support matching: the coordinator's matching settings per organisation, offers of requests to supporters, and the people a requester never wants as a supporter.
CREATE TABLE "support_matching_settings" (
    "OrganisationId" TEXT NOT NULL CONSTRAINT "PK_support_matching_settings" PRIMARY KEY,
    "OutsideDepartmentWeight" REAL NOT NULL,
    "SharedExperienceWeight" REAL NOT NULL,
    "LoadBalanceWeight" REAL NOT NULL,
    "FeedbackWeight" REAL NOT NULL,
    "Mode" TEXT NOT NULL,
    "OfferHours" INTEGER NOT NULL,
    "UrgentOfferHours" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_support_matching_settings_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);
-- One row per offer of a request to a supporter; at most one pending offer per request.
CREATE TABLE "support_offers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_offers" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "SupporterId" TEXT NOT NULL,
    "OfferedAt" INTEGER NOT NULL,
    "AnswerBy" INTEGER NOT NULL,
    "AnsweredAt" INTEGER NULL,
    "Outcome" TEXT NOT NULL,
    "How" TEXT NOT NULL,
    "CoordinatorSummary" TEXT NOT NULL,
    "RequesterText" TEXT NOT NULL,
    "DeclineReason" TEXT NULL,
    "WasAccepted" INTEGER NOT NULL,
    CONSTRAINT "FK_support_offers_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_offers_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES "people" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_offers_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "support_requests" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_offers_OrganisationId_Outcome_AnswerBy" ON "support_offers" ("OrganisationId", "Outcome", "AnswerBy");
CREATE UNIQUE INDEX "IX_support_offers_RequestId_Pending" ON "support_offers" ("RequestId") WHERE "Outcome" = 'Pending';
CREATE INDEX "IX_support_offers_SupporterId_Outcome" ON "support_offers" ("SupporterId", "Outcome");
-- The people a requester never wants as their supporter (seen by that requester alone).
CREATE TABLE "supporter_blocks" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_supporter_blocks" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequesterId" TEXT NOT NULL,
    "BlockedPersonId" TEXT NOT NULL,
    "BlockedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_supporter_blocks_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_blocks_people_BlockedPersonId" FOREIGN KEY ("BlockedPersonId") REFERENCES "people" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_blocks_people_RequesterId" FOREIGN KEY ("RequesterId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_supporter_blocks_BlockedPersonId" ON "supporter_blocks" ("BlockedPersonId");
CREATE INDEX "IX_supporter_blocks_OrganisationId" ON "supporter_blocks" ("OrganisationId");
CREATE UNIQUE INDEX "IX_supporter_blocks_RequesterId_BlockedPersonId" ON "supporter_blocks" ("RequesterId", "BlockedPersonId");
