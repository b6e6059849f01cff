-- 0007 training authoring: course versions an organisation's coordinators publish (owner, provenance), and their drafts.
ALTER TABLE training_course_versions ADD "OrganisationId" uuid NULL;
ALTER TABLE training_course_versions ADD "BasedOnVersionId" uuid NULL;
ALTER TABLE training_course_versions ADD "PublishedBy" uuid NULL;
ALTER TABLE training_course_versions ADD "CreatedBy" uuid NULL;
ALTER TABLE training_course_versions ADD "CreatedAt" timestamp with time zone NULL;
ALTER TABLE training_course_versions ADD CONSTRAINT "FK_training_course_versions_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE;
CREATE INDEX "IX_training_course_versions_OrganisationId_Slug" ON training_course_versions ("OrganisationId", "Slug");
CREATE TABLE training_course_drafts (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Slug" character varying(100) NOT NULL,
    "BasedOnVersionId" uuid,
    "Content" text NOT NULL,
    "CreatedBy" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    "UpdatedBy" uuid,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_training_course_drafts" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_course_drafts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "IX_training_course_drafts_OrganisationId_Slug" ON training_course_drafts ("OrganisationId", "Slug");
