-- 0029 held report file names: a report whose author is held back (anonymous, or named with the identity held) no longer keeps the names of its evidence files, which often say whose phone or laptop a file came from ("IMG_ruth_phone.jpg"); such a file is shown and downloaded as "evidence-1.jpg" and so on, from its place in the report's list and its content type. The names these reports kept before are removed here (they are sealed, so only removing them, not rewriting them, can be done in SQL). A report revealed since it was sent, or sent by name, keeps its names.
UPDATE report_files
SET "NameSealed" = NULL
WHERE "NameSealed" IS NOT NULL
  AND "ReportId" IN (SELECT "Id" FROM reports WHERE "IdentityHeld" = TRUE);
