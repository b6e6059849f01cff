-- 0009 supporter care: availability and pause, one-tap check-ins, debrief requests, ProQOL 5 subscale sums.
CREATE TABLE supporter_check_ins (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "ConversationId" uuid,
    "Feeling" character varying(20) NOT NULL,
    "At" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_supporter_check_ins" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_supporter_check_ins_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_check_ins_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE supporter_debrief_requests (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "RequestedAt" timestamp with time zone NOT NULL,
    "Urgency" character varying(20) NOT NULL,
    "NoteSealed" text,
    "Status" character varying(20) NOT NULL,
    "HandledAt" timestamp with time zone,
    "HandledByPersonId" uuid,
    CONSTRAINT "PK_supporter_debrief_requests" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_supporter_debrief_requests_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_debrief_requests_people_HandledByPersonId" FOREIGN KEY ("HandledByPersonId") REFERENCES people ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_supporter_debrief_requests_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE supporter_proqol_responses (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "CompletedAt" timestamp with time zone NOT NULL,
    "CompassionSatisfaction" integer NOT NULL,
    "Burnout" integer NOT NULL,
    "SecondaryTraumaticStress" integer NOT NULL,
    CONSTRAINT "PK_supporter_proqol_responses" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_supporter_proqol_responses_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_proqol_responses_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE TABLE supporter_settings (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "Available" boolean NOT NULL,
    "PausedUntil" date,
    "Cap" integer NOT NULL,
    "Languages" character varying(100) NOT NULL,
    "Tags" character varying(300) NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_supporter_settings" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_supporter_settings_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_settings_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_supporter_check_ins_OrganisationId_At" ON supporter_check_ins ("OrganisationId", "At");
CREATE INDEX "IX_supporter_check_ins_PersonId" ON supporter_check_ins ("PersonId");
CREATE INDEX "IX_supporter_debrief_requests_HandledByPersonId" ON supporter_debrief_requests ("HandledByPersonId");
CREATE INDEX "IX_supporter_debrief_requests_OrganisationId_Status" ON supporter_debrief_requests ("OrganisationId", "Status");
CREATE INDEX "IX_supporter_debrief_requests_PersonId" ON supporter_debrief_requests ("PersonId");
CREATE INDEX "IX_supporter_proqol_responses_OrganisationId_CompletedAt" ON supporter_proqol_responses ("OrganisationId", "CompletedAt");
CREATE INDEX "IX_supporter_proqol_responses_OrganisationId_PersonId" ON supporter_proqol_responses ("OrganisationId", "PersonId");
CREATE INDEX "IX_supporter_proqol_responses_PersonId" ON supporter_proqol_responses ("PersonId");
CREATE UNIQUE INDEX "IX_supporter_settings_OrganisationId_PersonId" ON supporter_settings ("OrganisationId", "PersonId");
CREATE INDEX "IX_supporter_settings_PersonId" ON supporter_settings ("PersonId");
