-- 0013 support conversations: private messages between a requester and their supporter, the supporter's notes, calls and meetings, and read state. Retention deletes these rows a configured time after closing.
-- The messages of a conversation (the conversation id is the request id), numbered within it; what was written is sealed. Referrals and handovers are messages that point to a directory entry.
CREATE TABLE "support_messages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_messages" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "Number" INTEGER NOT NULL,
    "SentAt" INTEGER NOT NULL,
    "AuthorId" TEXT NULL,
    "AuthorSide" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "BodySealed" TEXT NULL,
    "ResourceId" TEXT NULL,
    "Consent" TEXT NULL,
    "ConsentAt" INTEGER NULL,
    CONSTRAINT "FK_support_messages_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_messages_people_AuthorId" FOREIGN KEY ("AuthorId") REFERENCES "people" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_support_messages_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "support_requests" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_messages_support_resources_ResourceId" FOREIGN KEY ("ResourceId") REFERENCES "support_resources" ("Id") ON DELETE SET NULL
);
CREATE INDEX "IX_support_messages_AuthorId" ON "support_messages" ("AuthorId");
CREATE INDEX "IX_support_messages_OrganisationId" ON "support_messages" ("OrganisationId");
CREATE UNIQUE INDEX "IX_support_messages_RequestId_Number" ON "support_messages" ("RequestId", "Number");
CREATE INDEX "IX_support_messages_ResourceId" ON "support_messages" ("ResourceId");
-- A supporter's private notes on a conversation, sealed, one per supporter and conversation.
CREATE TABLE "support_notes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_notes" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "SupporterId" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    "NoteSealed" TEXT NOT NULL,
    CONSTRAINT "FK_support_notes_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_notes_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES "people" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_notes_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "support_requests" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_notes_OrganisationId" ON "support_notes" ("OrganisationId");
CREATE UNIQUE INDEX "IX_support_notes_RequestId_SupporterId" ON "support_notes" ("RequestId", "SupporterId");
CREATE INDEX "IX_support_notes_SupporterId" ON "support_notes" ("SupporterId");
-- Calls and meetings one side suggests (one to three UTC times) and the other accepts or declines; the place is sealed.
CREATE TABLE "support_meetings" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_meetings" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "ProposedBy" TEXT NOT NULL,
    "ProposedAt" INTEGER NOT NULL,
    "Option1" INTEGER NOT NULL,
    "Option2" INTEGER NULL,
    "Option3" INTEGER NULL,
    "DurationMinutes" INTEGER NOT NULL,
    "Mode" TEXT NOT NULL,
    "PlaceSealed" TEXT NULL,
    "Status" TEXT NOT NULL,
    "AcceptedStart" INTEGER NULL,
    "AnsweredAt" INTEGER NULL,
    CONSTRAINT "FK_support_meetings_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_meetings_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "support_requests" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_meetings_OrganisationId" ON "support_meetings" ("OrganisationId");
CREATE INDEX "IX_support_meetings_RequestId" ON "support_meetings" ("RequestId");
-- How far each participant has read (the highest message number seen), for unread counts.
CREATE TABLE "support_conversation_reads" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_conversation_reads" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "LastReadNumber" INTEGER NOT NULL,
    "ReadAt" INTEGER NOT NULL,
    CONSTRAINT "FK_support_conversation_reads_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_conversation_reads_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_conversation_reads_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "support_requests" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_conversation_reads_OrganisationId" ON "support_conversation_reads" ("OrganisationId");
CREATE INDEX "IX_support_conversation_reads_PersonId" ON "support_conversation_reads" ("PersonId");
CREATE UNIQUE INDEX "IX_support_conversation_reads_RequestId_PersonId" ON "support_conversation_reads" ("RequestId", "PersonId");
