-- 0024 case outcome history: recording an outcome now also adds a report event (kind 'outcome', the outcome's key as the reason), so speak-up insight can count the outcome a case had when its quarter of closing ended, however it changes later. Each outcome recorded before keeps its one event, at the time it was recorded. Ids are random version 4 GUIDs in EF's text form.
INSERT INTO "report_events" ("Id", "OrganisationId", "ReportId", "At", "Kind", "FromStatus", "ToStatus", "Reason", "ActorId")
SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' || substr('89AB', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12),
       "OrganisationId", "ReportId", "RecordedAt", 'outcome', NULL, NULL, "Outcome", "RecordedBy"
FROM (SELECT hex(randomblob(16)) AS h, "OrganisationId", "ReportId", "RecordedAt", "Outcome", "RecordedBy" FROM "case_outcomes");
