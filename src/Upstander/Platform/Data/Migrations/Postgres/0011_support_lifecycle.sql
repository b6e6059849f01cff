-- 0011 support lifecycle: the supporter a request is offered to or held by, the times queue health is measured from, and the requester's feedback.
ALTER TABLE support_requests ADD "SupporterId" uuid;
ALTER TABLE support_requests ADD "SupporterSince" timestamp with time zone;
ALTER TABLE support_requests ADD "FirstAcceptedAt" timestamp with time zone;
ALTER TABLE support_requests ADD "FirstReplyAt" timestamp with time zone;
ALTER TABLE support_requests ADD "ClosedAt" timestamp with time zone;
ALTER TABLE support_requests ADD "ClosedBy" character varying(20);
ALTER TABLE support_requests ADD "ContentErasedAt" timestamp with time zone;
ALTER TABLE support_requests ADD CONSTRAINT "FK_support_requests_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES people ("Id") ON DELETE SET NULL;
CREATE INDEX "IX_support_requests_SupporterId_Status" ON support_requests ("SupporterId", "Status");
-- The requester's three answers after a conversation closes, and the sealed comment.
CREATE TABLE support_feedback (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "RequestId" uuid NOT NULL,
    "SupporterId" uuid NOT NULL,
    "AnsweredAt" timestamp with time zone NOT NULL,
    "FeltHeard" integer NOT NULL,
    "NextSteps" integer NOT NULL,
    "WouldRecommend" integer NOT NULL,
    "CommentSealed" text,
    CONSTRAINT "PK_support_feedback" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_support_feedback_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_feedback_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES people ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_feedback_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES support_requests ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_feedback_OrganisationId_SupporterId" ON support_feedback ("OrganisationId", "SupporterId");
CREATE INDEX "IX_support_feedback_RequestId" ON support_feedback ("RequestId");
CREATE INDEX "IX_support_feedback_SupporterId" ON support_feedback ("SupporterId");
