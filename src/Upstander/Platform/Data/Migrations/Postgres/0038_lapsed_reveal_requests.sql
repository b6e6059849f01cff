-- 0038 lapsed reveal requests: retention now closes a pending request to reveal a held-back reporter when it erases the case's content ("Lapsed", decided by nobody, at the moment of the erase). A request left pending on a case erased before this is closed the same way, at the moment its case was erased.
UPDATE case_reveal_requests AS q SET "Status" = 'Lapsed', "DecidedAt" = r."ContentErasedAt"
FROM reports AS r
WHERE r."Id" = q."ReportId" AND q."Status" = 'Pending' AND r."ContentErasedAt" IS NOT NULL;
