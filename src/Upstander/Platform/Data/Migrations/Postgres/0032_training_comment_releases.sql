-- 0032 training comment releases: which reaction comment each module's comments page has released (a fingerprint of the sealed comment, never its content), so one released stays released while it stands, a changed comment waits at the end of the queue, and the rest are released only in whole groups of the minimum for comments. Every organisation that already has comments is marked to keep, on its next reading, the comments it showed until then.
CREATE TABLE training_comment_releases (
    "ReactionId" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Fingerprint" character varying(64) NOT NULL,
    "ReleasedThrough" date NOT NULL,
    CONSTRAINT "PK_training_comment_releases" PRIMARY KEY ("ReactionId"),
    CONSTRAINT "FK_training_comment_releases_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_training_comment_releases_training_reactions_ReactionId" FOREIGN KEY ("ReactionId") REFERENCES training_reactions ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_training_comment_releases_OrganisationId" ON training_comment_releases ("OrganisationId");
CREATE TABLE training_comment_baselines (
    "OrganisationId" uuid NOT NULL,
    CONSTRAINT "PK_training_comment_baselines" PRIMARY KEY ("OrganisationId"),
    CONSTRAINT "FK_training_comment_baselines_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
INSERT INTO training_comment_baselines ("OrganisationId") SELECT DISTINCT "OrganisationId" FROM training_reactions WHERE "CommentSealed" IS NOT NULL OR "EarlierCommentSealed" IS NOT NULL;
