-- Version 5: provisional results between two runs (issue 9, near-real-time updates).
--
-- After an import, the customers it touched are rescored with the latest run's frozen
-- parameters and kept here, one row per customer, replaced by each later update. A row names
-- the run it is based on and its own as-of date; once a newer run exists the row is ignored
-- (and deleted by the next update), so a full run always supersedes it. Runs stay immutable:
-- nothing here changes `results`.
CREATE TABLE provisional_results (
    customer_id     TEXT PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    as_of           INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    -- What lists show and filter on, as in `results`.
    tier            TEXT NOT NULL,
    value_class     TEXT NOT NULL,
    potential_tier  TEXT NOT NULL,
    lifecycle       TEXT NOT NULL,
    score           REAL NOT NULL,
    spend_12m       REAL,
    clv             REAL,
    p_alive         REAL,
    risk            TEXT,
    -- The whole result (every column of `results`, its detail included) as JSON.
    result          TEXT NOT NULL CHECK (json_valid(result))
);
CREATE INDEX provisional_results_run ON provisional_results (run_id);

-- Alerts a provisional update raised against its run's results, deduplicated against the
-- run's own alerts; replaced per customer with its provisional result.
CREATE TABLE provisional_alerts (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL,
    owner       TEXT,
    rule        TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    body        TEXT NOT NULL CHECK (json_valid(body)),
    created_at  TEXT NOT NULL
);
CREATE INDEX provisional_alerts_customer ON provisional_alerts (customer_id, run_id);
