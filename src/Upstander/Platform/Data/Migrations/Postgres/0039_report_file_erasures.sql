-- 0039 report file erasures: one row per evidence file whose row retention removed, added in the erase's transaction and removed once the file's encrypted bytes are deleted, so that bytes a stopped process left behind are deleted by the hourly pass. Files no row names are still never deleted (docs/operations.md).
CREATE TABLE report_file_erasures (
    "FileId" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ErasedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_report_file_erasures" PRIMARY KEY ("FileId"),
    CONSTRAINT "FK_report_file_erasures_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_report_file_erasures_OrganisationId" ON report_file_erasures ("OrganisationId");
