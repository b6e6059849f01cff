-- 0027 training evaluation releases: the evaluation's figures are computed from what each learner gives to each part of each row (a module's progress, check or reactions; a cohort's learners or growth) as last released, and a part releases its learners' changes only when at least the minimum group size of them changed, so no figure moves by fewer learners. Ratings, scores and flags only, never free text. Every organisation that already has learners is marked to release everything on its next reading, so nothing it has seen moves on the upgrade.
CREATE TABLE training_evaluation_releases (
    "OrganisationId" uuid NOT NULL,
    "CourseSlug" character varying(100) NOT NULL,
    "Part" character varying(20) NOT NULL,
    "Row" character varying(100) NOT NULL,
    "PersonId" uuid NOT NULL,
    "State" text,
    "ReleasedThrough" date NOT NULL,
    CONSTRAINT "PK_training_evaluation_releases" PRIMARY KEY ("OrganisationId", "CourseSlug", "Part", "Row", "PersonId"),
    CONSTRAINT "FK_training_evaluation_releases_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_evaluation_releases_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_training_evaluation_releases_PersonId" ON training_evaluation_releases ("PersonId");
CREATE TABLE training_evaluation_baselines (
    "OrganisationId" uuid NOT NULL,
    CONSTRAINT "PK_training_evaluation_baselines" PRIMARY KEY ("OrganisationId"),
    CONSTRAINT "FK_training_evaluation_baselines_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
INSERT INTO training_evaluation_baselines ("OrganisationId") SELECT DISTINCT "OrganisationId" FROM training_progress;
