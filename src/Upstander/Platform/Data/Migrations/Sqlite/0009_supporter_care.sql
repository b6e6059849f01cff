-- 0009 supporter care: availability and pause, one-tap check-ins, debrief requests, ProQOL 5 subscale sums.
CREATE TABLE "supporter_check_ins" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_supporter_check_ins" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "ConversationId" TEXT NULL,
    "Feeling" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    CONSTRAINT "FK_supporter_check_ins_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_check_ins_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "supporter_debrief_requests" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_supporter_debrief_requests" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "RequestedAt" INTEGER NOT NULL,
    "Urgency" TEXT NOT NULL,
    "NoteSealed" TEXT NULL,
    "Status" TEXT NOT NULL,
    "HandledAt" INTEGER NULL,
    "HandledByPersonId" TEXT NULL,
    CONSTRAINT "FK_supporter_debrief_requests_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_debrief_requests_people_HandledByPersonId" FOREIGN KEY ("HandledByPersonId") REFERENCES "people" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_supporter_debrief_requests_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "supporter_proqol_responses" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_supporter_proqol_responses" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "CompletedAt" INTEGER NOT NULL,
    "CompassionSatisfaction" INTEGER NOT NULL,
    "Burnout" INTEGER NOT NULL,
    "SecondaryTraumaticStress" INTEGER NOT NULL,
    CONSTRAINT "FK_supporter_proqol_responses_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_proqol_responses_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE TABLE "supporter_settings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_supporter_settings" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "Available" INTEGER NOT NULL,
    "PausedUntil" TEXT NULL,
    "Cap" INTEGER NOT NULL,
    "Languages" TEXT NOT NULL,
    "Tags" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_supporter_settings_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_supporter_settings_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_supporter_check_ins_OrganisationId_At" ON "supporter_check_ins" ("OrganisationId", "At");
CREATE INDEX "IX_supporter_check_ins_PersonId" ON "supporter_check_ins" ("PersonId");
CREATE INDEX "IX_supporter_debrief_requests_HandledByPersonId" ON "supporter_debrief_requests" ("HandledByPersonId");
CREATE INDEX "IX_supporter_debrief_requests_OrganisationId_Status" ON "supporter_debrief_requests" ("OrganisationId", "Status");
CREATE INDEX "IX_supporter_debrief_requests_PersonId" ON "supporter_debrief_requests" ("PersonId");
CREATE INDEX "IX_supporter_proqol_responses_OrganisationId_CompletedAt" ON "supporter_proqol_responses" ("OrganisationId", "CompletedAt");
CREATE INDEX "IX_supporter_proqol_responses_OrganisationId_PersonId" ON "supporter_proqol_responses" ("OrganisationId", "PersonId");
CREATE INDEX "IX_supporter_proqol_responses_PersonId" ON "supporter_proqol_responses" ("PersonId");
CREATE UNIQUE INDEX "IX_supporter_settings_OrganisationId_PersonId" ON "supporter_settings" ("OrganisationId", "PersonId");
CREATE INDEX "IX_supporter_settings_PersonId" ON "supporter_settings" ("PersonId");
