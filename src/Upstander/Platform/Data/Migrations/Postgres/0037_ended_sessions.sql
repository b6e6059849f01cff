-- 0037 ended sessions: a signed-out browser session, by a hash of its id, kept for as long as a copy of its cookie could still be presented, so that the copy is refused. Forgotten hourly once every such cookie has expired.
CREATE TABLE ended_sessions (
    "IdHash" character varying(64) NOT NULL,
    "AccountId" uuid NOT NULL,
    "EndedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_ended_sessions" PRIMARY KEY ("IdHash"),
    CONSTRAINT "FK_ended_sessions_accounts_AccountId" FOREIGN KEY ("AccountId") REFERENCES accounts ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_ended_sessions_AccountId" ON ended_sessions ("AccountId");
CREATE INDEX "IX_ended_sessions_EndedAt" ON ended_sessions ("EndedAt");
