-- 0012 support matching: the coordinator's matching settings per organisation, offers of requests to supporters, and the people a requester never wants as a supporter.
CREATE TABLE support_matching_settings (
    "OrganisationId" uuid NOT NULL,
    "OutsideDepartmentWeight" double precision NOT NULL,
    "SharedExperienceWeight" double precision NOT NULL,
    "LoadBalanceWeight" double precision NOT NULL,
    "FeedbackWeight" double precision NOT NULL,
    "Mode" character varying(20) NOT NULL,
    "OfferHours" integer NOT NULL,
    "UrgentOfferHours" integer NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_support_matching_settings" PRIMARY KEY ("OrganisationId"),
    CONSTRAINT "FK_support_matching_settings_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
-- One row per offer of a request to a supporter; at most one pending offer per request.
CREATE TABLE support_offers (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequestId" uuid NOT NULL,
    "SupporterId" uuid NOT NULL,
    "OfferedAt" timestamp with time zone NOT NULL,
    "AnswerBy" timestamp with time zone NOT NULL,
    "AnsweredAt" timestamp with time zone,
    "Outcome" character varying(20) NOT NULL,
    "How" character varying(20) NOT NULL,
    "CoordinatorSummary" character varying(600) NOT NULL,
    "RequesterText" character varying(600) NOT NULL,
    "DeclineReason" character varying(20),
    "WasAccepted" boolean NOT NULL,
    CONSTRAINT "PK_support_offers" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_offers_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_offers_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_offers_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES support_requests ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_offers_OrganisationId_Outcome_AnswerBy" ON support_offers ("OrganisationId", "Outcome", "AnswerBy");
CREATE UNIQUE INDEX "IX_support_offers_RequestId_Pending" ON support_offers ("RequestId") WHERE "Outcome" = 'Pending';
CREATE INDEX "IX_support_offers_SupporterId_Outcome" ON support_offers ("SupporterId", "Outcome");
-- The people a requester never wants as their supporter (seen by that requester alone).
CREATE TABLE supporter_blocks (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequesterId" uuid NOT NULL,
    "BlockedPersonId" uuid NOT NULL,
    "BlockedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_supporter_blocks" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_supporter_blocks_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_blocks_people_BlockedPersonId" FOREIGN KEY ("BlockedPersonId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_blocks_people_RequesterId" FOREIGN KEY ("RequesterId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_supporter_blocks_BlockedPersonId" ON supporter_blocks ("BlockedPersonId");
CREATE INDEX "IX_supporter_blocks_OrganisationId" ON supporter_blocks ("OrganisationId");
CREATE UNIQUE INDEX "IX_supporter_blocks_RequesterId_BlockedPersonId" ON supporter_blocks ("RequesterId", "BlockedPersonId");
