-- 0006 training measures: reactions to modules, self-assessments before and after a course, and the continuing-development log.
CREATE TABLE "training_development_entries" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_development_entries" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Date" TEXT NOT NULL,
    "QuarterHours" INTEGER NOT NULL,
    "Title" TEXT NOT NULL,
    "ReflectionSealed" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_training_development_entries_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_development_entries_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "training_reactions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_reactions" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "CourseProgressId" TEXT NOT NULL,
    "ModuleKey" TEXT NOT NULL,
    "Useful" INTEGER NOT NULL,
    "Relevant" INTEGER NOT NULL,
    "Clear" INTEGER NOT NULL,
    "CommentSealed" TEXT NULL,
    "AnsweredAt" INTEGER NOT NULL,
    CONSTRAINT "FK_training_reactions_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_reactions_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES "training_progress" ("Id") ON DELETE CASCADE
);
CREATE TABLE "training_self_assessments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_self_assessments" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "CourseProgressId" TEXT NOT NULL,
    "Phase" TEXT NOT NULL,
    "Ratings" TEXT NOT NULL,
    "AnsweredAt" INTEGER NOT NULL,
    CONSTRAINT "FK_training_self_assessments_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_self_assessments_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES "training_progress" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_training_development_entries_OrganisationId_PersonId_Date" ON "training_development_entries" ("OrganisationId", "PersonId", "Date");
CREATE INDEX "IX_training_development_entries_PersonId" ON "training_development_entries" ("PersonId");
CREATE UNIQUE INDEX "IX_training_reactions_CourseProgressId_ModuleKey" ON "training_reactions" ("CourseProgressId", "ModuleKey");
CREATE INDEX "IX_training_reactions_OrganisationId" ON "training_reactions" ("OrganisationId");
CREATE UNIQUE INDEX "IX_training_self_assessments_CourseProgressId_Phase" ON "training_self_assessments" ("CourseProgressId", "Phase");
CREATE INDEX "IX_training_self_assessments_OrganisationId" ON "training_self_assessments" ("OrganisationId");
