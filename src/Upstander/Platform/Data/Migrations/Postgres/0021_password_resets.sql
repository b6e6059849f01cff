-- 0021 password resets: one-time links to set a new password (asked for by the account's holder and emailed, or made by an administrator); only a hash of each link's token is stored.
CREATE TABLE password_resets (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "AccountId" uuid NOT NULL,
    "TokenHash" character varying(64) NOT NULL,
    "IssuedBy" uuid,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone NOT NULL,
    "UsedAt" timestamp with time zone,
    "WithdrawnAt" timestamp with time zone,
    CONSTRAINT "PK_password_resets" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_password_resets_accounts_AccountId" FOREIGN KEY ("AccountId") REFERENCES accounts ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_password_resets_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_password_resets_AccountId" ON password_resets ("AccountId");
CREATE INDEX "IX_password_resets_OrganisationId" ON password_resets ("OrganisationId");
CREATE UNIQUE INDEX "IX_password_resets_TokenHash" ON password_resets ("TokenHash");
