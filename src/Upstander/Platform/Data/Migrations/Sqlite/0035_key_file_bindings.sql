-- 0035 key file bindings: which escrow key files (the reviewers' key, the OPRF key) this database was first used with, by fingerprint only, so that a start with a missing or different file stops instead of silently making a new key under which held entries would no longer open or match.
CREATE TABLE "key_file_bindings" (
    "Purpose" TEXT NOT NULL CONSTRAINT "PK_key_file_bindings" PRIMARY KEY,
    "Fingerprint" TEXT NOT NULL,
    "RecordedAt" INTEGER NOT NULL
);
