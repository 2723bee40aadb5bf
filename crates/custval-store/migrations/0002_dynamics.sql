-- Version 2: what dynamic management compares between runs (issue 7) and the alerts it raises.

-- The computed tier before hysteresis (NULL: the stored tier is the computed one), and for how
-- many consecutive runs the computed tier has differed from the stored one (hysteresis by runs).
ALTER TABLE results ADD COLUMN raw_tier TEXT;
ALTER TABLE results ADD COLUMN tier_streak INTEGER NOT NULL DEFAULT 0;

-- Signals that alert and risk rules compare between runs: columns, not the detail JSON, so that
-- comparing two runs of a million customers is two narrow scans. Never indexed.
ALTER TABLE results ADD COLUMN spend_prev_12m REAL;
ALTER TABLE results ADD COLUMN orders_12m REAL;
ALTER TABLE results ADD COLUMN payment_delay REAL;
ALTER TABLE results ADD COLUMN overdue REAL;
ALTER TABLE results ADD COLUMN csat REAL;
ALTER TABLE results ADD COLUMN nps REAL;
ALTER TABLE results ADD COLUMN complaints_12m REAL;

-- Alerts raised by a run. `body` is the alert as the rules wrote it (evidence, explanation,
-- suggested action), opaque to the store; the columns are what lists filter on and what users
-- change (acknowledge, assign).
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    customer_id     TEXT NOT NULL,
    owner           TEXT,
    rule            TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    body            TEXT NOT NULL CHECK (json_valid(body)),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
    assignee        TEXT,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    delivered_at    TEXT
);
CREATE INDEX alerts_run ON alerts (run_id, status, severity);
CREATE INDEX alerts_customer ON alerts (customer_id, run_id);
CREATE INDEX alerts_owner ON alerts (owner, run_id);
