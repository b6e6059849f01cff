-- 0022 safety concerns: signs, during a conversation, that the person who asked for support may be at risk (a message or feedback comment in which the safety screen found risk, or the supporter's worry). Levels, categories and times only, never the words; at most one open concern per conversation. Each message keeps the level the screen found in it.
ALTER TABLE support_messages ADD "Risk" integer NOT NULL DEFAULT 0;
ALTER TABLE support_messages ALTER COLUMN "Risk" DROP DEFAULT;
CREATE TABLE support_safety_concerns (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequestId" uuid NOT NULL,
    "RaisedAt" timestamp with time zone NOT NULL,
    "Source" character varying(20) NOT NULL,
    "Level" integer NOT NULL,
    "Categories" character varying(100) NOT NULL,
    "Signs" integer NOT NULL,
    "LastSignAt" timestamp with time zone NOT NULL,
    "FollowedUpAt" timestamp with time zone,
    "FollowedUpBy" character varying(20),
    CONSTRAINT "PK_support_safety_concerns" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_safety_concerns_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_safety_concerns_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES support_requests ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_safety_concerns_OrganisationId_FollowedUpAt" ON support_safety_concerns ("OrganisationId", "FollowedUpAt");
CREATE UNIQUE INDEX "IX_support_safety_concerns_RequestId_Open" ON support_safety_concerns ("RequestId") WHERE "FollowedUpAt" IS NULL;
