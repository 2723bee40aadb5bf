-- Version 8: API tokens expire and can be revoked; the audit log says from where, and is
-- append-only (issue 18).
--
-- Tokens: `expires_at` and `revoked_at` are RFC 3339 UTC texts like every `*_at` column, so
-- that they compare as strings. Tokens created before this version never expired; they now
-- expire 90 days after the upgrade (the default of `token create`), which leaves their users
-- time to create new ones instead of cutting an integration off at once. `last_used_at` is
-- written at most once a minute per token, so that API reads do not all become writes.
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
UPDATE tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days')
    WHERE expires_at IS NULL;

-- When a user's password last changed: a web session opened before it ends (sessions live in
-- the server's memory, so `custval user passwd` in another process cannot end them directly).
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

-- From where an audited action came: the client address for the web app and the API,
-- `cli:<OS user>` for the command line; '' for entries written before this version.
ALTER TABLE audit_log ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);

-- Append-only: whatever the path (this program, a script, the sqlite3 shell), an entry once
-- written can be neither changed nor deleted. Erasing a customer's personal data must
-- therefore never depend on rewriting the audit log: entries name customers by id only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
END;
