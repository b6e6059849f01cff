-- 0011 support lifecycle: the supporter a request is offered to or held by, the times queue health is measured from, and the requester's feedback.
ALTER TABLE "support_requests" ADD "SupporterId" TEXT NULL CONSTRAINT "FK_support_requests_people_SupporterId" REFERENCES "people" ("Id") ON DELETE SET NULL;
ALTER TABLE "support_requests" ADD "SupporterSince" INTEGER NULL;
ALTER TABLE "support_requests" ADD "FirstAcceptedAt" INTEGER NULL;
ALTER TABLE "support_requests" ADD "FirstReplyAt" INTEGER NULL;
ALTER TABLE "support_requests" ADD "ClosedAt" INTEGER NULL;
ALTER TABLE "support_requests" ADD "ClosedBy" TEXT NULL;
ALTER TABLE "support_requests" ADD "ContentErasedAt" INTEGER NULL;
CREATE INDEX "IX_support_requests_SupporterId_Status" ON "support_requests" ("SupporterId", "Status");
-- The requester's three answers after a conversation closes, and the sealed comment.
CREATE TABLE "support_feedback" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_support_feedback" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "RequestId" TEXT NOT NULL,
    "SupporterId" TEXT NOT NULL,
    "AnsweredAt" INTEGER NOT NULL,
    "FeltHeard" INTEGER NOT NULL,
    "NextSteps" INTEGER NOT NULL,
    "WouldRecommend" INTEGER NOT NULL,
    "CommentSealed" TEXT NULL,
    CONSTRAINT "FK_support_feedback_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_feedback_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES "people" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_support_feedback_support_requests_RequestId" FOREIGN KEY ("RequestId") REFERENCES "support_requests" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_support_feedback_OrganisationId_SupporterId" ON "support_feedback" ("OrganisationId", "SupporterId");
CREATE INDEX "IX_support_feedback_RequestId" ON "support_feedback" ("RequestId");
CREATE INDEX "IX_support_feedback_SupporterId" ON "support_feedback" ("SupporterId");
