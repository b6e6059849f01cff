-- 0006 training measures: reactions to modules, self-assessments before and after a course, and the continuing-development log.
CREATE TABLE training_development_entries (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "Kind" character varying(20) NOT NULL,
    "Date" date NOT NULL,
    "QuarterHours" integer NOT NULL,
    "Title" character varying(120) NOT NULL,
    "ReflectionSealed" text,
    "CreatedAt" timestamp with time zone NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_training_development_entries" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_development_entries_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_development_entries_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE training_reactions (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "CourseProgressId" uuid NOT NULL,
    "ModuleKey" character varying(100) NOT NULL,
    "Useful" integer NOT NULL,
    "Relevant" integer NOT NULL,
    "Clear" integer NOT NULL,
    "CommentSealed" text,
    "AnsweredAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_training_reactions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_reactions_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_reactions_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES training_progress ("Id") ON DELETE CASCADE
);
CREATE TABLE training_self_assessments (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "CourseProgressId" uuid NOT NULL,
    "Phase" character varying(10) NOT NULL,
    "Ratings" text NOT NULL,
    "AnsweredAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_training_self_assessments" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_self_assessments_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_self_assessments_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES training_progress ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_training_development_entries_OrganisationId_PersonId_Date" ON training_development_entries ("OrganisationId", "PersonId", "Date");
CREATE INDEX "IX_training_development_entries_PersonId" ON training_development_entries ("PersonId");
CREATE UNIQUE INDEX "IX_training_reactions_CourseProgressId_ModuleKey" ON training_reactions ("CourseProgressId", "ModuleKey");
CREATE INDEX "IX_training_reactions_OrganisationId" ON training_reactions ("OrganisationId");
CREATE UNIQUE INDEX "IX_training_self_assessments_CourseProgressId_Phase" ON training_self_assessments ("CourseProgressId", "Phase");
CREATE INDEX "IX_training_self_assessments_OrganisationId" ON training_self_assessments ("OrganisationId");
