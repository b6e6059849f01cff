-- 0005 training certification: sign-off requests, certificates and their renewals; refresher runs beside the course progress.
ALTER TABLE training_progress ADD "Run" integer NOT NULL DEFAULT 0;
ALTER TABLE training_progress ALTER COLUMN "Run" DROP DEFAULT;
DROP INDEX "IX_training_progress_OrganisationId_PersonId_CourseSlug";
CREATE UNIQUE INDEX "IX_training_progress_OrganisationId_PersonId_CourseSlug_Run" ON training_progress ("OrganisationId", "PersonId", "CourseSlug", "Run");
CREATE TABLE training_sign_off_requests (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "RequestedAt" timestamp with time zone NOT NULL,
    "Decision" character varying(20),
    "DecidedAt" timestamp with time zone,
    "DecidedByPersonId" uuid,
    "PracticeCompletedOn" date,
    "NoteSealed" text,
    CONSTRAINT "PK_training_sign_off_requests" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_sign_off_requests_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_sign_off_requests_people_DecidedByPersonId" FOREIGN KEY ("DecidedByPersonId") REFERENCES people ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_training_sign_off_requests_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE training_certificates (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "SignOffRequestId" uuid NOT NULL,
    "CertifiedAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone NOT NULL,
    "RemindedAt" timestamp with time zone,
    "RemindedForExpiry" timestamp with time zone,
    CONSTRAINT "PK_training_certificates" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_certificates_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_certificates_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_certificates_training_sign_off_requests_SignOffReq~" FOREIGN KEY ("SignOffRequestId") REFERENCES training_sign_off_requests ("Id") ON DELETE CASCADE
);
CREATE TABLE training_certificate_renewals (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "CertificateId" uuid NOT NULL,
    "CourseProgressId" uuid NOT NULL,
    "RenewedAt" timestamp with time zone NOT NULL,
    "PreviousExpiresAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_training_certificate_renewals" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_training_certificate_renewals_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_certificate_renewals_training_certificates_Certifi~" FOREIGN KEY ("CertificateId") REFERENCES training_certificates ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_certificate_renewals_training_progress_CourseProgr~" FOREIGN KEY ("CourseProgressId") REFERENCES training_progress ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_training_certificate_renewals_CertificateId" ON training_certificate_renewals ("CertificateId");
CREATE UNIQUE INDEX "IX_training_certificate_renewals_CourseProgressId" ON training_certificate_renewals ("CourseProgressId");
CREATE INDEX "IX_training_certificate_renewals_OrganisationId" ON training_certificate_renewals ("OrganisationId");
CREATE INDEX "IX_training_certificates_OrganisationId_ExpiresAt" ON training_certificates ("OrganisationId", "ExpiresAt");
CREATE INDEX "IX_training_certificates_OrganisationId_PersonId" ON training_certificates ("OrganisationId", "PersonId");
CREATE INDEX "IX_training_certificates_PersonId" ON training_certificates ("PersonId");
CREATE UNIQUE INDEX "IX_training_certificates_SignOffRequestId" ON training_certificates ("SignOffRequestId");
CREATE INDEX "IX_training_sign_off_requests_DecidedByPersonId" ON training_sign_off_requests ("DecidedByPersonId");
CREATE INDEX "IX_training_sign_off_requests_OrganisationId_Decision" ON training_sign_off_requests ("OrganisationId", "Decision");
CREATE INDEX "IX_training_sign_off_requests_OrganisationId_PersonId" ON training_sign_off_requests ("OrganisationId", "PersonId");
CREATE INDEX "IX_training_sign_off_requests_PersonId" ON training_sign_off_requests ("PersonId");
