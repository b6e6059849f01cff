-- 0007 training authoring: course versions an organisation's coordinators publish (owner, provenance), and their drafts.
ALTER TABLE "training_course_versions" ADD "OrganisationId" TEXT NULL CONSTRAINT "FK_training_course_versions_organisations_OrganisationId" REFERENCES "organisations" ("Id") ON DELETE CASCADE;
ALTER TABLE "training_course_versions" ADD "BasedOnVersionId" TEXT NULL;
ALTER TABLE "training_course_versions" ADD "PublishedBy" TEXT NULL;
ALTER TABLE "training_course_versions" ADD "CreatedBy" TEXT NULL;
ALTER TABLE "training_course_versions" ADD "CreatedAt" INTEGER NULL;
CREATE INDEX "IX_training_course_versions_OrganisationId_Slug" ON "training_course_versions" ("OrganisationId", "Slug");
CREATE TABLE "training_course_drafts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_course_drafts" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Slug" TEXT NOT NULL,
    "BasedOnVersionId" TEXT NULL,
    "Content" TEXT NOT NULL,
    "CreatedBy" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedBy" TEXT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_training_course_drafts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "IX_training_course_drafts_OrganisationId_Slug" ON "training_course_drafts" ("OrganisationId", "Slug");
