-- 0001 platform: organisations, people, accounts (Identity), invitations, access tokens, key ring, audit chain.
-- Generated from the EF model with 'schema-script', then extended by hand below the marker.

CREATE TABLE "audit_events" (
    "Sequence" INTEGER NOT NULL CONSTRAINT "PK_audit_events" PRIMARY KEY,
    "At" INTEGER NOT NULL,
    "OrganisationId" TEXT NULL,
    "ActorKind" TEXT NOT NULL,
    "ActorId" TEXT NULL,
    "Action" TEXT NOT NULL,
    "TargetType" TEXT NULL,
    "TargetId" TEXT NULL,
    "Detail" TEXT NULL,
    "Outcome" TEXT NOT NULL,
    "PreviousHash" TEXT NOT NULL,
    "Hash" TEXT NOT NULL
);


CREATE TABLE "organisations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_organisations" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "IsDemo" INTEGER NOT NULL,
    "MinimumGroupSize" INTEGER NOT NULL
);


CREATE TABLE "protection_keys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_protection_keys" PRIMARY KEY,
    "Purpose" TEXT NOT NULL,
    "Wrapped" TEXT NOT NULL,
    "MasterKeyFingerprint" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "RetiredAt" INTEGER NULL
);


CREATE TABLE "roles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_roles" PRIMARY KEY,
    "Name" TEXT NULL,
    "NormalizedName" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL
);


CREATE TABLE "departments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_departments" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    CONSTRAINT "FK_departments_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);


CREATE TABLE "role_claims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_role_claims" PRIMARY KEY AUTOINCREMENT,
    "RoleId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_role_claims_roles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "roles" ("Id") ON DELETE CASCADE
);


CREATE TABLE "people" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_people" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "EmployeeId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "WorkEmail" TEXT NOT NULL,
    "NormalizedEmail" TEXT NOT NULL,
    "SearchText" TEXT NOT NULL,
    "DepartmentId" TEXT NULL,
    "Team" TEXT NULL,
    "ManagerId" TEXT NULL,
    "Location" TEXT NULL,
    "PreferredLanguage" TEXT NULL,
    "StartDate" TEXT NULL,
    "LeaveDate" TEXT NULL,
    "ConfidentialNoteSealed" TEXT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_people_departments_DepartmentId" FOREIGN KEY ("DepartmentId") REFERENCES "departments" ("Id") ON DELETE SET NULL,
    CONSTRAINT "FK_people_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_people_people_ManagerId" FOREIGN KEY ("ManagerId") REFERENCES "people" ("Id") ON DELETE RESTRICT
);


CREATE TABLE "accounts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_accounts" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" INTEGER NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL,
    CONSTRAINT "FK_accounts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_accounts_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE SET NULL
);


CREATE TABLE "invitations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_invitations" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "PersonId" TEXT NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "Roles" TEXT NOT NULL,
    "InvitedBy" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "AcceptedAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL,
    CONSTRAINT "FK_invitations_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_invitations_people_PersonId" FOREIGN KEY ("PersonId") REFERENCES "people" ("Id") ON DELETE CASCADE
);


CREATE TABLE "account_claims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_account_claims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_account_claims_accounts_UserId" FOREIGN KEY ("UserId") REFERENCES "accounts" ("Id") ON DELETE CASCADE
);


CREATE TABLE "account_logins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_account_logins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_account_logins_accounts_UserId" FOREIGN KEY ("UserId") REFERENCES "accounts" ("Id") ON DELETE CASCADE
);


CREATE TABLE "account_passkeys" (
    "CredentialId" BLOB NOT NULL CONSTRAINT "PK_account_passkeys" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "Data" TEXT NOT NULL,
    CONSTRAINT "FK_account_passkeys_accounts_UserId" FOREIGN KEY ("UserId") REFERENCES "accounts" ("Id") ON DELETE CASCADE
);


CREATE TABLE "account_roles" (
    "UserId" TEXT NOT NULL,
    "RoleId" TEXT NOT NULL,
    CONSTRAINT "PK_account_roles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_account_roles_accounts_UserId" FOREIGN KEY ("UserId") REFERENCES "accounts" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_account_roles_roles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "roles" ("Id") ON DELETE CASCADE
);


CREATE TABLE "account_tokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_account_tokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_account_tokens_accounts_UserId" FOREIGN KEY ("UserId") REFERENCES "accounts" ("Id") ON DELETE CASCADE
);


CREATE TABLE "personal_access_tokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_personal_access_tokens" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "AccountId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "TokenHash" TEXT NOT NULL,
    "DisplayPrefix" TEXT NOT NULL,
    "IssuedBy" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "RevokedAt" INTEGER NULL,
    "LastUsedAt" INTEGER NULL,
    CONSTRAINT "FK_personal_access_tokens_accounts_AccountId" FOREIGN KEY ("AccountId") REFERENCES "accounts" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_personal_access_tokens_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE CASCADE
);


CREATE INDEX "IX_account_claims_UserId" ON "account_claims" ("UserId");


CREATE INDEX "IX_account_logins_UserId" ON "account_logins" ("UserId");


CREATE INDEX "IX_account_passkeys_UserId" ON "account_passkeys" ("UserId");


CREATE INDEX "IX_account_roles_RoleId" ON "account_roles" ("RoleId");


CREATE INDEX "EmailIndex" ON "accounts" ("NormalizedEmail");


CREATE INDEX "IX_accounts_OrganisationId" ON "accounts" ("OrganisationId");


CREATE UNIQUE INDEX "IX_accounts_PersonId" ON "accounts" ("PersonId");


CREATE UNIQUE INDEX "UserNameIndex" ON "accounts" ("NormalizedUserName");


CREATE INDEX "IX_audit_events_OrganisationId_Sequence" ON "audit_events" ("OrganisationId", "Sequence");


CREATE UNIQUE INDEX "IX_departments_OrganisationId_Name" ON "departments" ("OrganisationId", "Name");


CREATE INDEX "IX_invitations_OrganisationId" ON "invitations" ("OrganisationId");


CREATE INDEX "IX_invitations_PersonId" ON "invitations" ("PersonId");


CREATE UNIQUE INDEX "IX_invitations_TokenHash" ON "invitations" ("TokenHash");


CREATE INDEX "IX_people_DepartmentId" ON "people" ("DepartmentId");


CREATE INDEX "IX_people_ManagerId" ON "people" ("ManagerId");


CREATE UNIQUE INDEX "IX_people_OrganisationId_EmployeeId" ON "people" ("OrganisationId", "EmployeeId");


CREATE INDEX "IX_people_OrganisationId_Name" ON "people" ("OrganisationId", "Name");


CREATE UNIQUE INDEX "IX_people_OrganisationId_NormalizedEmail" ON "people" ("OrganisationId", "NormalizedEmail");


CREATE INDEX "IX_personal_access_tokens_AccountId" ON "personal_access_tokens" ("AccountId");


CREATE INDEX "IX_personal_access_tokens_OrganisationId" ON "personal_access_tokens" ("OrganisationId");


CREATE UNIQUE INDEX "IX_personal_access_tokens_TokenHash" ON "personal_access_tokens" ("TokenHash");


CREATE INDEX "IX_role_claims_RoleId" ON "role_claims" ("RoleId");


CREATE UNIQUE INDEX "RoleNameIndex" ON "roles" ("NormalizedName");




-- Hand-written: the audit log is append-only at the database too. (Someone with full control of the
-- database can drop these triggers; the HMAC chain is what proves tampering, and 'audit verify' checks it.)
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
