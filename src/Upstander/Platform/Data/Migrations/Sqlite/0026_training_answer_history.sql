-- 0026 training answer history: the training evaluation counts what learners had done by the end of the last completed quarter, so a reaction or self-assessment changed since keeps the answer it replaced when that one was given before the quarter in progress (the comment stays sealed), and each completed step keeps when it was done.
ALTER TABLE "training_reactions" ADD "EarlierUseful" INTEGER NULL;
ALTER TABLE "training_reactions" ADD "EarlierRelevant" INTEGER NULL;
ALTER TABLE "training_reactions" ADD "EarlierClear" INTEGER NULL;
ALTER TABLE "training_reactions" ADD "EarlierCommentSealed" TEXT NULL;
ALTER TABLE "training_reactions" ADD "EarlierAnsweredAt" INTEGER NULL;
ALTER TABLE "training_self_assessments" ADD "EarlierRatings" TEXT NULL;
ALTER TABLE "training_self_assessments" ADD "EarlierAnsweredAt" INTEGER NULL;
-- Completed steps go from a list of keys to an object of key and time (ISO 8601, UTC). When a step done before now was done is not known: it is dated at the learner's start, which counts it as the evaluation counted it until now, so no figure moves.
UPDATE "training_progress" SET "CompletedSteps" = (
    SELECT json_group_object(s.value, strftime('%Y-%m-%dT%H:%M:%S', ("training_progress"."StartedAt" - 621355968000000000) / 10000000, 'unixepoch')
        || '.' || printf('%07d', ("training_progress"."StartedAt" - 621355968000000000) % 10000000) || '+00:00')
    FROM json_each("training_progress"."CompletedSteps") AS s)
WHERE json_type("CompletedSteps") = 'array';
