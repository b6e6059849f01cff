-- 0014 speak-up reports: the report and its case (sealed account and involved people, deadlines, status), its history of events, and the messages between reporter and case side.
CREATE TABLE "reports" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_reports" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Way" TEXT NOT NULL,
    "ReporterId" TEXT NULL,
    "IdentityHeld" INTEGER NOT NULL,
    "Pseudonym" TEXT NOT NULL,
    "Category" TEXT NOT NULL,
    "DepartmentId" TEXT NULL,
    "Location" TEXT NULL,
    "ReceivedAt" INTEGER NOT NULL,
    "AcknowledgeBy" INTEGER NOT NULL,
    "FeedbackBy" INTEGER NOT NULL,
    "AcknowledgedAt" INTEGER NULL,
    "FeedbackGivenAt" INTEGER NULL,
    "Status" TEXT NOT NULL,
    "StatusChangedAt" INTEGER NOT NULL,
    "ClosedAt" INTEGER NULL,
    "AssigneeId" TEXT NULL,
    "AccountSealed" TEXT NULL,
    "InvolvedSealed" TEXT NULL,
    "ReceiptLookup" TEXT NULL,
    "PassphraseHash" TEXT NULL,
    "RetaliationFlaggedAt" INTEGER NULL,
    "ContentErasedAt" INTEGER NULL,
    CONSTRAINT "FK_reports_departments_DepartmentId" FOREIGN KEY ("DepartmentId") REFERENCES "departments" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_reports_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_reports_people_AssigneeId" FOREIGN KEY ("AssigneeId") REFERENCES "people" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_reports_people_ReporterId" FOREIGN KEY ("ReporterId") REFERENCES "people" ("Id") ON DELETE SET NULL
);
CREATE INDEX "IX_reports_AssigneeId" ON "reports" ("AssigneeId");
CREATE INDEX "IX_reports_DepartmentId" ON "reports" ("DepartmentId");
CREATE INDEX "IX_reports_OrganisationId_Status" ON "reports" ("OrganisationId", "Status");
CREATE UNIQUE INDEX "IX_reports_ReceiptLookup" ON "reports" ("ReceiptLookup");
CREATE INDEX "IX_reports_ReporterId" ON "reports" ("ReporterId");
CREATE TABLE "report_events" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_report_events" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "FromStatus" TEXT NULL,
    "ToStatus" TEXT NULL,
    "Reason" TEXT NULL,
    "ActorId" TEXT NULL,
    CONSTRAINT "FK_report_events_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_events_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_report_events_OrganisationId" ON "report_events" ("OrganisationId");
CREATE INDEX "IX_report_events_ReportId_At" ON "report_events" ("ReportId", "At");
CREATE TABLE "report_messages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_report_messages" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "SentAt" INTEGER NOT NULL,
    "FromReporter" INTEGER NOT NULL,
    "AuthorId" TEXT NULL,
    "BodySealed" TEXT NULL,
    "ReadAt" INTEGER NULL,
    CONSTRAINT "FK_report_messages_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_messages_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_report_messages_OrganisationId" ON "report_messages" ("OrganisationId");
CREATE UNIQUE INDEX "IX_report_messages_ReportId_Number" ON "report_messages" ("ReportId", "Number");
