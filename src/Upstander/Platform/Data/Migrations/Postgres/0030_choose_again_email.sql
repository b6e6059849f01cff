-- 0030 choose-again email: whether the requester wants an email when their request comes back to them to choose a supporter again (off unless they turn it on, as for message notices: an email tells whoever reads their work mailbox that they asked for support).
ALTER TABLE support_requests ADD "ChooseAgainEmail" boolean NOT NULL DEFAULT false;
ALTER TABLE support_requests ALTER COLUMN "ChooseAgainEmail" DROP DEFAULT;
