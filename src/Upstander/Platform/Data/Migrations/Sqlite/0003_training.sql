-- 0003 training: published course versions (shared), and each organisation's enrolments, progress, check attempts and scenario runs.
CREATE TABLE "training_course_versions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_course_versions" PRIMARY KEY,
    "Slug" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "ContentHash" TEXT NOT NULL,
    "Content" TEXT NOT NULL,
    "PublishedAt" INTEGER NOT NULL
);
CREATE TABLE "training_enrolments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_enrolments" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "CourseSlug" TEXT NOT NULL,
    "EnrolledBy" TEXT NULL,
    "EnrolledAt" INTEGER NOT NULL,
    CONSTRAINT "FK_training_enrolments_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_enrolments_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "training_progress" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_progress" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "CourseSlug" TEXT NOT NULL,
    "CourseVersionId" TEXT NOT NULL,
    "StartedAt" INTEGER NOT NULL,
    "LastActivityAt" INTEGER NOT NULL,
    "LastStep" TEXT NULL,
    "CompletedSteps" TEXT NOT NULL,
    "CompletedAt" INTEGER NULL,
    CONSTRAINT "FK_training_progress_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_progress_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_progress_training_course_versions_CourseVersionId" FOREIGN KEY ("CourseVersionId") REFERENCES "training_course_versions" ("Id") ON DELETE RESTRICT
);
CREATE TABLE "training_check_attempts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_check_attempts" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "CourseProgressId" TEXT NOT NULL,
    "ModuleKey" TEXT NOT NULL,
    "Seed" INTEGER NOT NULL,
    "StartedAt" INTEGER NOT NULL,
    "SubmittedAt" INTEGER NULL,
    "Answers" TEXT NULL,
    "CorrectCount" INTEGER NULL,
    "QuestionCount" INTEGER NOT NULL,
    "Passed" INTEGER NOT NULL,
    CONSTRAINT "FK_training_check_attempts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_check_attempts_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES "training_progress" ("Id") ON DELETE CASCADE
);
CREATE TABLE "training_scenario_runs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_training_scenario_runs" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "CourseProgressId" TEXT NOT NULL,
    "ModuleKey" TEXT NOT NULL,
    "ScenarioId" TEXT NOT NULL,
    "StartedAt" INTEGER NOT NULL,
    "Choices" TEXT NOT NULL,
    "CompletedAt" INTEGER NULL,
    CONSTRAINT "FK_training_scenario_runs_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_scenario_runs_training_progress_CourseProgressId" FOREIGN KEY ("CourseProgressId") REFERENCES "training_progress" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_training_check_attempts_CourseProgressId_ModuleKey" ON "training_check_attempts" ("CourseProgressId", "ModuleKey");
CREATE INDEX "IX_training_check_attempts_OrganisationId" ON "training_check_attempts" ("OrganisationId");
CREATE UNIQUE INDEX "IX_training_course_versions_Slug_ContentHash" ON "training_course_versions" ("Slug", "ContentHash");
CREATE INDEX "IX_training_course_versions_Slug_Version" ON "training_course_versions" ("Slug", "Version");
CREATE UNIQUE INDEX "IX_training_enrolments_OrganisationId_PersonId_CourseSlug" ON "training_enrolments" ("OrganisationId", "PersonId", "CourseSlug");
CREATE INDEX "IX_training_enrolments_PersonId" ON "training_enrolments" ("PersonId");
CREATE INDEX "IX_training_progress_CourseVersionId" ON "training_progress" ("CourseVersionId");
CREATE UNIQUE INDEX "IX_training_progress_OrganisationId_PersonId_CourseSlug" ON "training_progress" ("OrganisationId", "PersonId", "CourseSlug");
CREATE INDEX "IX_training_progress_PersonId" ON "training_progress" ("PersonId");
CREATE INDEX "IX_training_scenario_runs_CourseProgressId_ModuleKey_ScenarioId" ON "training_scenario_runs" ("CourseProgressId", "ModuleKey", "ScenarioId");
CREATE INDEX "IX_training_scenario_runs_OrganisationId" ON "training_scenario_runs" ("OrganisationId");
