-- 0008 support resources: the organisation's directory of support services, helplines and crisis lines.
CREATE TABLE "support_resources" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_resources" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Audience" TEXT NOT NULL,
    "Phone" TEXT NULL,
    "TextNumber" TEXT NULL,
    "Email" TEXT NULL,
    "Website" TEXT NULL,
    "Hours" TEXT NULL,
    "AlwaysOpen" INTEGER NOT NULL,
    "Country" TEXT NULL,
    "Languages" TEXT NULL,
    "IsCrisis" INTEGER NOT NULL,
    "IsEmergency" INTEGER NOT NULL,
    "IsIndependent" INTEGER NOT NULL,
    "Order" INTEGER NOT NULL,
    "ArchivedAt" INTEGER NULL,
    "CreatedBy" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedBy" TEXT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_support_resources_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_resources_OrganisationId_Kind" ON "support_resources" ("OrganisationId", "Kind");
