-- 0031 comment minimum group size: free-text comments are released only in whole groups of this many, a minimum separate from (and never below) the one every figure respects, 10 unless an administrator changes it; an organisation whose minimum group size is already higher takes that.
ALTER TABLE organisations ADD "CommentMinimumGroupSize" integer NOT NULL DEFAULT 10;
UPDATE organisations SET "CommentMinimumGroupSize" = "MinimumGroupSize" WHERE "MinimumGroupSize" > "CommentMinimumGroupSize";
ALTER TABLE organisations ALTER COLUMN "CommentMinimumGroupSize" DROP DEFAULT;
