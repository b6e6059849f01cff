-- 0017 speak-up escrow: held entries (matching index, the envelope sealed to the reviewers, the threshold, when it arrived to the hour, release and the report made from it, and the hash of the reporter's withdrawal code; nothing about who sent it) and the notices telling reporters their held report was released.
CREATE TABLE "escrow_entries" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_escrow_entries" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "MatchIndex" BLOB NOT NULL,
    "Sealed" BLOB NOT NULL,
    "Threshold" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ReleasedAt" INTEGER NULL,
    "ReportId" TEXT NULL,
    "WithdrawalHash" TEXT NOT NULL,
    CONSTRAINT "FK_escrow_entries_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_escrow_entries_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE SET NULL
);
CREATE TABLE "escrow_notices" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_escrow_notices" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "DismissedAt" INTEGER NULL,
    CONSTRAINT "FK_escrow_notices_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_escrow_notices_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_escrow_notices_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_escrow_entries_OrganisationId_MatchIndex" ON "escrow_entries" ("OrganisationId", "MatchIndex");
CREATE INDEX "IX_escrow_entries_ReportId" ON "escrow_entries" ("ReportId");
CREATE UNIQUE INDEX "IX_escrow_entries_WithdrawalHash" ON "escrow_entries" ("WithdrawalHash");
CREATE INDEX "IX_escrow_notices_OrganisationId" ON "escrow_notices" ("OrganisationId");
CREATE INDEX "IX_escrow_notices_PersonId_DismissedAt" ON "escrow_notices" ("PersonId", "DismissedAt");
CREATE INDEX "IX_escrow_notices_ReportId" ON "escrow_notices" ("ReportId");
