-- 0024 case outcome history: recording an outcome now also adds a report event (kind 'outcome', the outcome's key as the reason), so speak-up insight can count the outcome a case had when its quarter of closing ended, however it changes later. Each outcome recorded before keeps its one event, at the time it was recorded.
INSERT INTO report_events ("Id", "OrganisationId", "ReportId", "At", "Kind", "FromStatus", "ToStatus", "Reason", "ActorId")
SELECT gen_random_uuid(), "OrganisationId", "ReportId", "RecordedAt", 'outcome', NULL, NULL, "Outcome", "RecordedBy"
FROM case_outcomes;
