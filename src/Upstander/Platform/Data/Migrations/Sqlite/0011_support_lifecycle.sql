-- 0011 support lifecycle: the supporter a request is offered to or held by, and the times queue health is measured from.
ALTER TABLE "support_requests" ADD "SupporterId" TEXT NULL CONSTRAINT "FK_support_requests_people_SupporterId" REFERENCES "people" ("Id") ON DELETE SET NULL;
ALTER TABLE "support_requests" ADD "SupporterSince" INTEGER NULL;
ALTER TABLE "support_requests" ADD "FirstAcceptedAt" INTEGER NULL;
ALTER TABLE "support_requests" ADD "FirstReplyAt" INTEGER NULL;
ALTER TABLE "support_requests" ADD "ClosedAt" INTEGER NULL;
ALTER TABLE "support_requests" ADD "ClosedBy" TEXT NULL;
ALTER TABLE "support_requests" ADD "ContentErasedAt" INTEGER NULL;
CREATE INDEX "IX_support_requests_SupporterId_Status" ON "support_requests" ("SupporterId", "Status");
