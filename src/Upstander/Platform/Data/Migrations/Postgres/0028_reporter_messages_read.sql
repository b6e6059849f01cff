-- 0028 reporter messages read: a reporter's message now stays unread on the case side until a case manager who may work the case opens it ("ReadAt", which until now only the reporter's reading of the case side's messages set), and the case lists, the home page and an email say so. On the upgrade, a reporter's message that came before the case's last status change, or that a case manager has answered since, is marked read at that later moment; a message written after both stays unread, so one nobody has acted on (for example one sent to a closed case) is shown as new.
-- The case's last status change if it came after the message, or else the first case manager's reply after it; neither
-- leaves the message unread (NULL, as it was).
UPDATE "report_messages"
SET "ReadAt" = COALESCE(
    (SELECT "reports"."StatusChangedAt" FROM "reports"
     WHERE "reports"."Id" = "report_messages"."ReportId" AND "report_messages"."SentAt" <= "reports"."StatusChangedAt"),
    (SELECT MIN(r."SentAt") FROM "report_messages" AS r
     WHERE r."ReportId" = "report_messages"."ReportId" AND r."FromReporter" = FALSE AND r."AuthorId" IS NOT NULL
       AND r."SentAt" >= "report_messages"."SentAt"))
WHERE "FromReporter" = TRUE AND "ReadAt" IS NULL;
