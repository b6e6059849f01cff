-- 0011 support lifecycle: the supporter a request is offered to or held by, and the times queue health is measured from.
ALTER TABLE support_requests ADD "SupporterId" uuid;
ALTER TABLE support_requests ADD "SupporterSince" timestamp with time zone;
ALTER TABLE support_requests ADD "FirstAcceptedAt" timestamp with time zone;
ALTER TABLE support_requests ADD "FirstReplyAt" timestamp with time zone;
ALTER TABLE support_requests ADD "ClosedAt" timestamp with time zone;
ALTER TABLE support_requests ADD "ClosedBy" character varying(20);
ALTER TABLE support_requests ADD "ContentErasedAt" timestamp with time zone;
ALTER TABLE support_requests ADD CONSTRAINT "FK_support_requests_people_SupporterId" FOREIGN KEY ("SupporterId") REFERENCES people ("Id") ON DELETE SET NULL;
CREATE INDEX "IX_support_requests_SupporterId_Status" ON support_requests ("SupporterId", "Status");
