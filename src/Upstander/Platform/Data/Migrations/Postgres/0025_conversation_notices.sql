-- 0025 conversation notices: each participant's read state also records how far an email notice of new messages has told them (so one run of unread messages gives one email), and whether they want such notices in that conversation (null: the side's default, on for the supporter and off for the requester).
ALTER TABLE support_conversation_reads ADD "NotifiedUpTo" integer NOT NULL DEFAULT 0;
ALTER TABLE support_conversation_reads ALTER COLUMN "NotifiedUpTo" DROP DEFAULT;
ALTER TABLE support_conversation_reads ADD "EmailNotices" boolean;
