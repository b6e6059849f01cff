-- 0026 training answer history: the training evaluation counts what learners had done by the end of the last completed quarter, so a reaction or self-assessment changed since keeps the answer it replaced when that one was given before the quarter in progress (the comment stays sealed), and each completed step keeps when it was done.
ALTER TABLE training_reactions ADD "EarlierUseful" integer;
ALTER TABLE training_reactions ADD "EarlierRelevant" integer;
ALTER TABLE training_reactions ADD "EarlierClear" integer;
ALTER TABLE training_reactions ADD "EarlierCommentSealed" text;
ALTER TABLE training_reactions ADD "EarlierAnsweredAt" timestamp with time zone;
ALTER TABLE training_self_assessments ADD "EarlierRatings" text;
ALTER TABLE training_self_assessments ADD "EarlierAnsweredAt" timestamp with time zone;
-- Completed steps go from a list of keys to an object of key and time (ISO 8601, UTC). When a step done before now was done is not known: it is dated at the learner's start, which counts it as the evaluation counted it until now, so no figure moves.
UPDATE training_progress SET "CompletedSteps" = (
    SELECT coalesce(jsonb_object_agg(s.step, to_char(training_progress."StartedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')), '{}'::jsonb)::text
    FROM jsonb_array_elements_text(training_progress."CompletedSteps"::jsonb) AS s(step))
WHERE jsonb_typeof("CompletedSteps"::jsonb) = 'array';
