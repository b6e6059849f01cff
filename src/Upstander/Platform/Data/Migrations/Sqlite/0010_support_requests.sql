-- 0010 support requests: the "talk to someone" request, its safety-screen level and queue priority, and the sealed words.
CREATE TABLE "support_requests" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_requests" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "Topic" TEXT NOT NULL,
    "Timing" TEXT NOT NULL,
    "Channel" TEXT NOT NULL,
    "OutsideDepartment" INTEGER NOT NULL,
    "Language" TEXT NULL,
    "Tags" TEXT NOT NULL,
    "ShowName" INTEGER NOT NULL,
    "NamedPeople" TEXT NOT NULL,
    "Pseudonym" TEXT NOT NULL,
    "DetailsSealed" TEXT NULL,
    "RiskLevel" INTEGER NOT NULL,
    "Priority" INTEGER NOT NULL,
    "RiskCategories" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "WithdrawnAt" INTEGER NULL,
    CONSTRAINT "FK_support_requests_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_requests_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_requests_OrganisationId_Status_Priority" ON "support_requests" ("OrganisationId", "Status", "Priority");
CREATE INDEX "IX_support_requests_PersonId" ON "support_requests" ("PersonId");
