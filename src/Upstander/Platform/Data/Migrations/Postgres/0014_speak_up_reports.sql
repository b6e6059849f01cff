-- 0014 speak-up reports: the report and its case (sealed account and involved people, deadlines, status), its history of events, and the messages between reporter and case side.
CREATE TABLE reports (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Way" character varying(20) NOT NULL,
    "ReporterId" uuid,
    "IdentityHeld" boolean NOT NULL,
    "Pseudonym" character varying(60) NOT NULL,
    "Category" character varying(40) NOT NULL,
    "DepartmentId" uuid,
    "Location" character varying(100),
    "ReceivedAt" timestamp with time zone NOT NULL,
    "AcknowledgeBy" timestamp with time zone NOT NULL,
    "FeedbackBy" timestamp with time zone NOT NULL,
    "AcknowledgedAt" timestamp with time zone,
    "FeedbackGivenAt" timestamp with time zone,
    "Status" character varying(20) NOT NULL,
    "StatusChangedAt" timestamp with time zone NOT NULL,
    "ClosedAt" timestamp with time zone,
    "AssigneeId" uuid,
    "AccountSealed" text,
    "InvolvedSealed" text,
    "ReceiptLookup" character varying(100),
    "PassphraseHash" character varying(200),
    "RetaliationFlaggedAt" timestamp with time zone,
    "ContentErasedAt" timestamp with time zone,
    CONSTRAINT "PK_reports" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_reports_departments_DepartmentId" FOREIGN KEY ("DepartmentId") REFERENCES departments ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_reports_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_reports_people_AssigneeId" FOREIGN KEY ("AssigneeId") REFERENCES people ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_reports_people_ReporterId" FOREIGN KEY ("ReporterId") REFERENCES people ("Id") ON DELETE SET NULL
);
CREATE INDEX "IX_reports_AssigneeId" ON reports ("AssigneeId");
CREATE INDEX "IX_reports_DepartmentId" ON reports ("DepartmentId");
CREATE INDEX "IX_reports_OrganisationId_Status" ON reports ("OrganisationId", "Status");
CREATE UNIQUE INDEX "IX_reports_ReceiptLookup" ON reports ("ReceiptLookup");
CREATE INDEX "IX_reports_ReporterId" ON reports ("ReporterId");
CREATE TABLE report_events (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "At" timestamp with time zone NOT NULL,
    "Kind" character varying(40) NOT NULL,
    "FromStatus" character varying(20),
    "ToStatus" character varying(20),
    "Reason" character varying(40),
    "ActorId" uuid,
    CONSTRAINT "PK_report_events" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_report_events_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_events_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_report_events_OrganisationId" ON report_events ("OrganisationId");
CREATE INDEX "IX_report_events_ReportId_At" ON report_events ("ReportId", "At");
CREATE TABLE report_messages (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "ReportId" uuid NOT NULL,
    "Number" integer NOT NULL,
    "SentAt" timestamp with time zone NOT NULL,
    "FromReporter" boolean NOT NULL,
    "AuthorId" uuid,
    "BodySealed" text,
    "ReadAt" timestamp with time zone,
    CONSTRAINT "PK_report_messages" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_report_messages_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_report_messages_reports_ReportId" FOREIGN KEY ("ReportId") REFERENCES reports ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_report_messages_OrganisationId" ON report_messages ("OrganisationId");
CREATE UNIQUE INDEX "IX_report_messages_ReportId_Number" ON report_messages ("ReportId", "Number");
