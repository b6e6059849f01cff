-- 0023 offer summaries without single ratings: a match summary written before past feedback counted only in whole groups of the minimum group size showed the feedback value (and a score that includes it) for any number of ratings, so one requester's rating could be read back. Their score and breakdown are removed; the supporter's name stays.
UPDATE support_offers
SET "CoordinatorSummary" = substring("CoordinatorSummary" from 1 for position(': score ' in "CoordinatorSummary") - 1) || ': score and breakdown removed (written before past feedback was shown only in groups).'
WHERE "CoordinatorSummary" ~ 'Past feedback [0-9]' AND position(': score ' in "CoordinatorSummary") > 0;
