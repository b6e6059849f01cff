-- 0013 support conversations: private messages between a requester and their supporter, the supporter's notes, calls and meetings, and read state. Retention deletes these rows a configured time after closing.
-- The messages of a conversation (the conversation id is the request id), numbered within it; what was written is sealed. Referrals and handovers are messages that point to a directory entry.
CREATE TABLE support_messages (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequestId" uuid NOT NULL,
    "Number" integer NOT NULL,
    "SentAt" timestamp with time zone NOT NULL,
    "AuthorId" uuid,
    "AuthorSide" character varying(20) NOT NULL,
    "Kind" character varying(20) NOT NULL,
    "BodySealed" text,
    "ResourceId" uuid,
    "Consent" character varying(20),
    "ConsentAt" timestamp with time zone,
    CONSTRAINT "PK_support_messages" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_messages_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_messages_people_AuthorId" FOREIGN KEY ("AuthorId") REFERENCES people ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_support_messages_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES support_requests ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_messages_support_resources_ResourceId" FOREIGN KEY ("ResourceId") REFERENCES support_resources ("Id") ON DELETE SET NULL
);
CREATE INDEX "IX_support_messages_AuthorId" ON support_messages ("AuthorId");
CREATE INDEX "IX_support_messages_OrganisationId" ON support_messages ("OrganisationId");
CREATE UNIQUE INDEX "IX_support_messages_RequestId_Number" ON support_messages ("RequestId", "Number");
CREATE INDEX "IX_support_messages_ResourceId" ON support_messages ("ResourceId");
-- A supporter's private notes on a conversation, sealed, one per supporter and conversation.
CREATE TABLE support_notes (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequestId" uuid NOT NULL,
    "SupporterId" uuid NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    "NoteSealed" text NOT NULL,
    CONSTRAINT "PK_support_notes" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_notes_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_notes_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_notes_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES support_requests ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_notes_OrganisationId" ON support_notes ("OrganisationId");
CREATE UNIQUE INDEX "IX_support_notes_RequestId_SupporterId" ON support_notes ("RequestId", "SupporterId");
CREATE INDEX "IX_support_notes_SupporterId" ON support_notes ("SupporterId");
-- Calls and meetings one side suggests (one to three UTC times) and the other accepts or declines; the place is sealed.
CREATE TABLE support_meetings (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequestId" uuid NOT NULL,
    "ProposedBy" character varying(20) NOT NULL,
    "ProposedAt" timestamp with time zone NOT NULL,
    "Option1" timestamp with time zone NOT NULL,
    "Option2" timestamp with time zone,
    "Option3" timestamp with time zone,
    "DurationMinutes" integer NOT NULL,
    "Mode" character varying(20) NOT NULL,
    "PlaceSealed" text,
    "Status" character varying(20) NOT NULL,
    "AcceptedStart" timestamp with time zone,
    "AnsweredAt" timestamp with time zone,
    CONSTRAINT "PK_support_meetings" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_meetings_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_meetings_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES support_requests ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_meetings_OrganisationId" ON support_meetings ("OrganisationId");
CREATE INDEX "IX_support_meetings_RequestId" ON support_meetings ("RequestId");
-- How far each participant has read (the highest message number seen), for unread counts.
CREATE TABLE support_conversation_reads (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequestId" uuid NOT NULL,
    "PersonId" uuid NOT NULL,
    "LastReadNumber" integer NOT NULL,
    "ReadAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_support_conversation_reads" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_conversation_reads_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_conversation_reads_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_conversation_reads_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES support_requests ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_conversation_reads_OrganisationId" ON support_conversation_reads ("OrganisationId");
CREATE INDEX "IX_support_conversation_reads_PersonId" ON support_conversation_reads ("PersonId");
CREATE UNIQUE INDEX "IX_support_conversation_reads_RequestId_PersonId" ON support_conversation_reads ("RequestId", "PersonId");
