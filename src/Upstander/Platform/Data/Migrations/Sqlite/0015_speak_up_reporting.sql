-- 0015 speak-up reporting: the organisations' public report links, reporters' private drafts, the private incident journal, evidence files (bytes encrypted in the uploads folder; key and name sealed here) and retaliation check-in answers.
CREATE TABLE "report_links" (
    "OrganisationId" TEXT NOT NULL CONSTRAINT "PK_report_links" PRIMARY KEY,
    "Slug" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_report_links_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);
CREATE TABLE "journal_entries" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_journal_entries" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "WrittenAt" INTEGER NOT NULL,
    "EditedAt" INTEGER NULL,
    "TextSealed" TEXT NULL,
    CONSTRAINT "FK_journal_entries_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_journal_entries_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "report_drafts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_report_drafts" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "SavedAt" INTEGER NOT NULL,
    "ContentSealed" TEXT NULL,
    CONSTRAINT "FK_report_drafts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_drafts_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "report_check_ins" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_report_check_ins" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "Day" INTEGER NOT NULL,
    "Response" TEXT NOT NULL,
    "AnsweredAt" INTEGER NOT NULL,
    CONSTRAINT "FK_report_check_ins_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_check_ins_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE TABLE "report_files" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_report_files" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "ContentType" TEXT NOT NULL,
    "Length" INTEGER NOT NULL,
    "UploadedAt" INTEGER NOT NULL,
    "NameSealed" TEXT NULL,
    "KeySealed" TEXT NOT NULL,
    CONSTRAINT "FK_report_files_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_files_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_journal_entries_OrganisationId" ON "journal_entries" ("OrganisationId");
CREATE INDEX "IX_journal_entries_PersonId_WrittenAt" ON "journal_entries" ("PersonId", "WrittenAt");
CREATE INDEX "IX_report_check_ins_OrganisationId" ON "report_check_ins" ("OrganisationId");
CREATE UNIQUE INDEX "IX_report_check_ins_ReportId_Day" ON "report_check_ins" ("ReportId", "Day");
CREATE INDEX "IX_report_drafts_OrganisationId" ON "report_drafts" ("OrganisationId");
CREATE UNIQUE INDEX "IX_report_drafts_PersonId" ON "report_drafts" ("PersonId");
CREATE INDEX "IX_report_files_OrganisationId" ON "report_files" ("OrganisationId");
CREATE INDEX "IX_report_files_ReportId" ON "report_files" ("ReportId");
CREATE UNIQUE INDEX "IX_report_links_Slug" ON "report_links" ("Slug");
