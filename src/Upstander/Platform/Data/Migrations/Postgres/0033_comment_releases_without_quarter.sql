-- 0033 comment releases without quarter: a released comment is never taken back and nothing reads when it was released (only a held-back evaluation part says which quarter it stands at), so training_comment_releases no longer keeps the quarter.
ALTER TABLE training_comment_releases DROP COLUMN "ReleasedThrough";
