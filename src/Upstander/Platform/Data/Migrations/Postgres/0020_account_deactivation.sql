-- 0020 account deactivation: when an account stopped working and why (the person left the organisation, or an administrator deactivated it). A deactivated account cannot sign in, its sessions end and its access tokens stop working.
ALTER TABLE accounts ADD "DeactivatedAt" timestamp with time zone;
ALTER TABLE accounts ADD "DeactivatedBecause" character varying(16);
