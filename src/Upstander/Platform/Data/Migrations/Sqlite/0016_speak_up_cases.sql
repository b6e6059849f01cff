-- 0016 speak-up cases: routing rules, internal notes (sealed), labels, the investigation plan (sealed items), outcomes (sealed actions taken) and requests to reveal a held identity.
CREATE TABLE "case_routing_rules" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_case_routing_rules" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "Category" TEXT NULL,
    "Location" TEXT NULL,
    "DepartmentId" TEXT NULL,
    "CaseManagerId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_case_routing_rules_departments_DepartmentId" FOREIGN KEY ("DepartmentId") REFERENCES "departments" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_routing_rules_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_routing_rules_people_CaseManagerId" FOREIGN KEY ("CaseManagerId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "case_labels" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_case_labels" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "AddedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_case_labels_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_labels_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE TABLE "case_notes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_case_notes" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "AuthorId" TEXT NULL,
    "WrittenAt" INTEGER NOT NULL,
    "BodySealed" TEXT NULL,
    CONSTRAINT "FK_case_notes_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_notes_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE TABLE "case_outcomes" (
    "ReportId" TEXT NOT NULL CONSTRAINT "PK_case_outcomes" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Outcome" TEXT NOT NULL,
    "ActionsSealed" TEXT NULL,
    "RecordedBy" TEXT NULL,
    "RecordedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_case_outcomes_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_outcomes_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE TABLE "case_plan_items" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_case_plan_items" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "TextSealed" TEXT NULL,
    "AddedBy" TEXT NULL,
    "AddedAt" INTEGER NOT NULL,
    "DoneBy" TEXT NULL,
    "DoneAt" INTEGER NULL,
    CONSTRAINT "FK_case_plan_items_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_plan_items_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE TABLE "case_reveal_requests" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_case_reveal_requests" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "ReportId" TEXT NOT NULL,
    "RequestedBy" TEXT NULL,
    "RequestedAt" INTEGER NOT NULL,
    "Reason" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "DecidedBy" TEXT NULL,
    "DecidedAt" INTEGER NULL,
    CONSTRAINT "FK_case_reveal_requests_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_reveal_requests_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES "reports" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_case_labels_OrganisationId" ON "case_labels" ("OrganisationId");
CREATE UNIQUE INDEX "IX_case_labels_ReportId_Text" ON "case_labels" ("ReportId", "Text");
CREATE INDEX "IX_case_notes_OrganisationId" ON "case_notes" ("OrganisationId");
CREATE INDEX "IX_case_notes_ReportId_WrittenAt" ON "case_notes" ("ReportId", "WrittenAt");
CREATE INDEX "IX_case_outcomes_OrganisationId" ON "case_outcomes" ("OrganisationId");
CREATE INDEX "IX_case_plan_items_OrganisationId" ON "case_plan_items" ("OrganisationId");
CREATE UNIQUE INDEX "IX_case_plan_items_ReportId_Position" ON "case_plan_items" ("ReportId", "Position");
CREATE INDEX "IX_case_reveal_requests_OrganisationId_Status" ON "case_reveal_requests" ("OrganisationId", "Status");
CREATE INDEX "IX_case_reveal_requests_ReportId" ON "case_reveal_requests" ("ReportId");
CREATE INDEX "IX_case_routing_rules_CaseManagerId" ON "case_routing_rules" ("CaseManagerId");
CREATE INDEX "IX_case_routing_rules_DepartmentId" ON "case_routing_rules" ("DepartmentId");
CREATE INDEX "IX_case_routing_rules_OrganisationId_Position" ON "case_routing_rules" ("OrganisationId", "Position");
