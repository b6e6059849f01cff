-- 0004 training cohorts: the intake a coordinator enrols candidates with, for the cohort view and the evaluation.
ALTER TABLE training_enrolments ADD "Cohort" character varying(80) NULL;
CREATE INDEX "IX_training_enrolments_OrganisationId_Cohort" ON training_enrolments ("OrganisationId", "Cohort");
