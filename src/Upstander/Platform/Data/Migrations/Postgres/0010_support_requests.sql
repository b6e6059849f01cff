-- 0010 support requests: the "talk to someone" request, its safety-screen level and queue priority, and the sealed words.
CREATE TABLE support_requests (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "Topic" character varying(20) NOT NULL,
    "Timing" character varying(20) NOT NULL,
    "Channel" character varying(20) NOT NULL,
    "OutsideDepartment" boolean NOT NULL,
    "Language" character varying(10),
    "Tags" character varying(300) NOT NULL,
    "ShowName" boolean NOT NULL,
    "NamedPeople" character varying(200) NOT NULL,
    "Pseudonym" character varying(60) NOT NULL,
    "DetailsSealed" text,
    "RiskLevel" integer NOT NULL,
    "Priority" integer NOT NULL,
    "RiskCategories" character varying(100) NOT NULL,
    "Status" character varying(20) NOT NULL,
    "WithdrawnAt" timestamp with time zone,
    CONSTRAINT "PK_support_requests" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_requests_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_requests_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_requests_OrganisationId_Status_Priority" ON support_requests ("OrganisationId", "Status", "Priority");
CREATE INDEX "IX_support_requests_PersonId" ON support_requests ("PersonId");
