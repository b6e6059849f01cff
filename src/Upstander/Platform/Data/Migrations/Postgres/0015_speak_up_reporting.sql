-- 0015 speak-up reporting: the organisations' public report links, reporters' private drafts, the private incident journal, evidence files (bytes encrypted in the uploads folder; key and name sealed here) and retaliation check-in answers.
CREATE TABLE report_links (
    "OrganisationId" uuid NOT NULL,
    "Slug" character varying(80) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_report_links" PRIMARY KEY ("OrganisationId"),
    CONSTRAINT "FK_report_links_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
CREATE TABLE journal_entries (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "WrittenAt" timestamp with time zone NOT NULL,
    "EditedAt" timestamp with time zone,
    "TextSealed" text,
    CONSTRAINT "PK_journal_entries" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_journal_entries_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_journal_entries_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE report_drafts (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "SavedAt" timestamp with time zone NOT NULL,
    "ContentSealed" text,
    CONSTRAINT "PK_report_drafts" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_report_drafts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_drafts_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE report_check_ins (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "Day" integer NOT NULL,
    "Response" character varying(20) NOT NULL,
    "AnsweredAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_report_check_ins" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_report_check_ins_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_check_ins_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE TABLE report_files (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "ContentType" character varying(40) NOT NULL,
    "Length" bigint NOT NULL,
    "UploadedAt" timestamp with time zone NOT NULL,
    "NameSealed" text,
    "KeySealed" text NOT NULL,
    CONSTRAINT "PK_report_files" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_report_files_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_files_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_journal_entries_OrganisationId" ON journal_entries ("OrganisationId");
CREATE INDEX "IX_journal_entries_PersonId_WrittenAt" ON journal_entries ("PersonId", "WrittenAt");
CREATE INDEX "IX_report_check_ins_OrganisationId" ON report_check_ins ("OrganisationId");
CREATE UNIQUE INDEX "IX_report_check_ins_ReportId_Day" ON report_check_ins ("ReportId", "Day");
CREATE INDEX "IX_report_drafts_OrganisationId" ON report_drafts ("OrganisationId");
CREATE UNIQUE INDEX "IX_report_drafts_PersonId" ON report_drafts ("PersonId");
CREATE INDEX "IX_report_files_OrganisationId" ON report_files ("OrganisationId");
CREATE INDEX "IX_report_files_ReportId" ON report_files ("ReportId");
CREATE UNIQUE INDEX "IX_report_links_Slug" ON report_links ("Slug");
