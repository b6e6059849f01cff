-- 0036 audit events by target: each person's account page lists the recent sign-ins and changes to how their account signs in, read from the audit log by target ("account", its id) and newest first.
CREATE INDEX "IX_audit_events_TargetType_TargetId_Sequence" ON "audit_events" ("TargetType", "TargetId", "Sequence");
