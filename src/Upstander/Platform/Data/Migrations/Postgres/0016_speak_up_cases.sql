-- 0016 speak-up cases: routing rules, internal notes (sealed), labels, the investigation plan (sealed items), outcomes (sealed actions taken) and requests to reveal a held identity.
CREATE TABLE case_routing_rules (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Position" integer NOT NULL,
    "Category" character varying(40),
    "Location" character varying(100),
    "DepartmentId" uuid,
    "CaseManagerId" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_case_routing_rules" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_case_routing_rules_departments_DepartmentId" FOREIGN KEY ("DepartmentId") REFERENCES departments ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_routing_rules_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_routing_rules_people_CaseManagerId" FOREIGN KEY ("CaseManagerId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE case_labels (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "Text" character varying(40) NOT NULL,
    "AddedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_case_labels" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_case_labels_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_labels_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE TABLE case_notes (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "AuthorId" uuid,
    "WrittenAt" timestamp with time zone NOT NULL,
    "BodySealed" text,
    CONSTRAINT "PK_case_notes" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_case_notes_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_notes_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE TABLE case_outcomes (
    "ReportId" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Outcome" character varying(40) NOT NULL,
    "ActionsSealed" text,
    "RecordedBy" uuid,
    "RecordedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_case_outcomes" PRIMARY KEY ("ReportId"),
    CONSTRAINT "FK_case_outcomes_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_outcomes_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE TABLE case_plan_items (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "Position" integer NOT NULL,
    "TextSealed" text,
    "AddedBy" uuid,
    "AddedAt" timestamp with time zone NOT NULL,
    "DoneBy" uuid,
    "DoneAt" timestamp with time zone,
    CONSTRAINT "PK_case_plan_items" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_case_plan_items_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_plan_items_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE TABLE case_reveal_requests (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "RequestedBy" uuid,
    "RequestedAt" timestamp with time zone NOT NULL,
    "Reason" character varying(40) NOT NULL,
    "Status" character varying(20) NOT NULL,
    "DecidedBy" uuid,
    "DecidedAt" timestamp with time zone,
    CONSTRAINT "PK_case_reveal_requests" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_case_reveal_requests_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_case_reveal_requests_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_case_labels_OrganisationId" ON case_labels ("OrganisationId");
CREATE UNIQUE INDEX "IX_case_labels_ReportId_Text" ON case_labels ("ReportId", "Text");
CREATE INDEX "IX_case_notes_OrganisationId" ON case_notes ("OrganisationId");
CREATE INDEX "IX_case_notes_ReportId_WrittenAt" ON case_notes ("ReportId", "WrittenAt");
CREATE INDEX "IX_case_outcomes_OrganisationId" ON case_outcomes ("OrganisationId");
CREATE INDEX "IX_case_plan_items_OrganisationId" ON case_plan_items ("OrganisationId");
CREATE UNIQUE INDEX "IX_case_plan_items_ReportId_Position" ON case_plan_items ("ReportId", "Position");
CREATE INDEX "IX_case_reveal_requests_OrganisationId_Status" ON case_reveal_requests ("OrganisationId", "Status");
CREATE INDEX "IX_case_reveal_requests_ReportId" ON case_reveal_requests ("ReportId");
CREATE INDEX "IX_case_routing_rules_CaseManagerId" ON case_routing_rules ("CaseManagerId");
CREATE INDEX "IX_case_routing_rules_DepartmentId" ON case_routing_rules ("DepartmentId");
CREATE INDEX "IX_case_routing_rules_OrganisationId_Position" ON case_routing_rules ("OrganisationId", "Position");
