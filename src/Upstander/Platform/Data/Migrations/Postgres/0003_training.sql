-- 0003 training: published course versions (shared), and each organisation's enrolments, progress, check attempts and scenario runs.
CREATE TABLE training_course_versions (
    "Id" uuid NOT NULL,
    "Slug" character varying(100) NOT NULL,
    "Version" integer NOT NULL,
    "ContentHash" character varying(64) NOT NULL,
    "Content" text NOT NULL,
    "PublishedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_training_course_versions" PRIMARY KEY ("Id")
);
CREATE TABLE training_enrolments (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "CourseSlug" character varying(100) NOT NULL,
    "EnrolledBy" uuid,
    "EnrolledAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_training_enrolments" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_enrolments_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_enrolments_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE training_progress (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "CourseSlug" character varying(100) NOT NULL,
    "CourseVersionId" uuid NOT NULL,
    "StartedAt" timestamp with time zone NOT NULL,
    "LastActivityAt" timestamp with time zone NOT NULL,
    "LastStep" character varying(200),
    "CompletedSteps" text NOT NULL,
    "CompletedAt" timestamp with time zone,
    CONSTRAINT "PK_training_progress" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_progress_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_progress_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_progress_training_course_versions_CourseVersionId" FOREIGN KEY ("CourseVersionId") REFERENCES training_course_versions ("Id") ON DELETE RESTRICT
);
CREATE TABLE training_check_attempts (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "CourseProgressId" uuid NOT NULL,
    "ModuleKey" character varying(100) NOT NULL,
    "Seed" integer NOT NULL,
    "StartedAt" timestamp with time zone NOT NULL,
    "SubmittedAt" timestamp with time zone,
    "Answers" text,
    "CorrectCount" integer,
    "QuestionCount" integer NOT NULL,
    "Passed" boolean NOT NULL,
    CONSTRAINT "PK_training_check_attempts" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_check_attempts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_check_attempts_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES training_progress ("Id") ON DELETE CASCADE
);
CREATE TABLE training_scenario_runs (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "CourseProgressId" uuid NOT NULL,
    "ModuleKey" character varying(100) NOT NULL,
    "ScenarioId" character varying(100) NOT NULL,
    "StartedAt" timestamp with time zone NOT NULL,
    "Choices" text NOT NULL,
    "CompletedAt" timestamp with time zone,
    CONSTRAINT "PK_training_scenario_runs" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_scenario_runs_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_scenario_runs_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES training_progress ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_training_check_attempts_CourseProgressId_ModuleKey" ON training_check_attempts ("CourseProgressId", "ModuleKey");
CREATE INDEX "IX_training_check_attempts_OrganisationId" ON training_check_attempts ("OrganisationId");
CREATE UNIQUE INDEX "IX_training_course_versions_Slug_ContentHash" ON training_course_versions ("Slug", "ContentHash");
CREATE INDEX "IX_training_course_versions_Slug_Version" ON training_course_versions ("Slug", "Version");
CREATE UNIQUE INDEX "IX_training_enrolments_OrganisationId_PersonId_CourseSlug" ON training_enrolments ("OrganisationId", "PersonId", "CourseSlug");
CREATE INDEX "IX_training_enrolments_PersonId" ON training_enrolments ("PersonId");
CREATE INDEX "IX_training_progress_CourseVersionId" ON training_progress ("CourseVersionId");
CREATE UNIQUE INDEX "IX_training_progress_OrganisationId_PersonId_CourseSlug" ON training_progress ("OrganisationId", "PersonId", "CourseSlug");
CREATE INDEX "IX_training_progress_PersonId" ON training_progress ("PersonId");
CREATE INDEX "IX_training_scenario_runs_CourseProgressId_ModuleKey_ScenarioId" ON training_scenario_runs ("CourseProgressId", "ModuleKey", "ScenarioId");
CREATE INDEX "IX_training_scenario_runs_OrganisationId" ON training_scenario_runs ("OrganisationId");
