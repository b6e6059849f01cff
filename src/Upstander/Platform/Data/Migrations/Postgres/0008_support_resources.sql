-- 0008 support resources: the organisation's directory of support services, helplines and crisis lines.
CREATE TABLE support_resources (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Kind" character varying(40) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "Description" character varying(1000),
    "Audience" character varying(500) NOT NULL,
    "Phone" character varying(40),
    "TextNumber" character varying(40),
    "Email" character varying(254),
    "Website" character varying(500),
    "Hours" character varying(200),
    "AlwaysOpen" boolean NOT NULL,
    "Country" character varying(2),
    "Languages" character varying(200),
    "IsCrisis" boolean NOT NULL,
    "IsEmergency" boolean NOT NULL,
    "IsIndependent" boolean NOT NULL,
    "Order" integer NOT NULL,
    "ArchivedAt" timestamp with time zone,
    "CreatedBy" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    "UpdatedBy" uuid,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_support_resources" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_resources_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_resources_OrganisationId_Kind" ON support_resources ("OrganisationId", "Kind");
