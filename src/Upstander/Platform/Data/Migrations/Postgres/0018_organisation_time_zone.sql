-- 0018 organisation time zone: the IANA zone pages show moments in and meeting times are entered in (UTC until an administrator sets it).
ALTER TABLE organisations ADD "TimeZone" character varying(64) NOT NULL DEFAULT 'UTC';
