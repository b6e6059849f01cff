-- 0017 speak-up escrow: held entries (matching index, the envelope sealed to the reviewers, the threshold, when it arrived to the hour, release and the report made from it, and the hash of the reporter's withdrawal code; nothing about who sent it) and the notices telling reporters their held report was released.
CREATE TABLE escrow_entries (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "MatchIndex" bytea NOT NULL,
    "Sealed" bytea NOT NULL,
    "Threshold" integer NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ReleasedAt" timestamp with time zone,
    "ReportId" uuid,
    "WithdrawalHash" character varying(64) NOT NULL,
    CONSTRAINT "PK_escrow_entries" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_escrow_entries_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_escrow_entries_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE SET NULL
);
CREATE TABLE escrow_notices (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "DismissedAt" timestamp with time zone,
    CONSTRAINT "PK_escrow_notices" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_escrow_notices_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_escrow_notices_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_escrow_notices_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_escrow_entries_OrganisationId_MatchIndex" ON escrow_entries ("OrganisationId", "MatchIndex");
CREATE INDEX "IX_escrow_entries_ReportId" ON escrow_entries ("ReportId");
CREATE UNIQUE INDEX "IX_escrow_entries_WithdrawalHash" ON escrow_entries ("WithdrawalHash");
CREATE INDEX "IX_escrow_notices_OrganisationId" ON escrow_notices ("OrganisationId");
CREATE INDEX "IX_escrow_notices_PersonId_DismissedAt" ON escrow_notices ("PersonId", "DismissedAt");
CREATE INDEX "IX_escrow_notices_ReportId" ON escrow_notices ("ReportId");
