-- The custval store's current schema, generated: do not edit. Every table, then every
-- index, trigger and view, by name, as SQLite reports them (sqlite_master) after all of
-- crates/custval-store/migrations/*.sql; sqlx's _sqlx_migrations table is left out.
-- Regenerate after adding a migration:
--   CUSTVAL_BLESS=1 cargo test -p custval-store --test schema
-- The same test without CUSTVAL_BLESS fails while this file is stale (it runs in CI).

-- tables

-- account_plans
CREATE TABLE account_plans (
    customer_id TEXT PRIMARY KEY,
    plan        TEXT NOT NULL CHECK (json_valid(plan)),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
) WITHOUT ROWID;

-- alert_open_counts
CREATE TABLE alert_open_counts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    owner  TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (run_id, owner)
) WITHOUT ROWID;

-- alerts
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

-- audit_log
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL CHECK (json_valid(detail))
, source TEXT NOT NULL DEFAULT '');

-- categories
CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- channels
CREATE TABLE channels (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- contracts
CREATE TABLE contracts (
    id        INTEGER PRIMARY KEY,
    cust      INTEGER NOT NULL REFERENCES customers (key),
    start_day INTEGER NOT NULL,
    end_day   INTEGER,
    renewed   INTEGER CHECK (renewed IS NULL OR renewed IN (0, 1)),
    line      INTEGER NOT NULL CHECK (line >= 0)
);

-- costs
CREATE TABLE costs (
    cust    INTEGER NOT NULL REFERENCES customers (key),
    period  INTEGER NOT NULL,
    sales   REAL NOT NULL,
    service REAL NOT NULL,
    PRIMARY KEY (cust, period)
) WITHOUT ROWID;

-- customers
CREATE TABLE customers (
    key         INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL UNIQUE CHECK (length(customer_id) > 0),
    name        TEXT,
    industry    TEXT,
    region      TEXT,
    size        TEXT,
    signup      INTEGER,
    owner       TEXT,
    phone       TEXT,
    email       TEXT,
    wallet      REAL
, personal BLOB, forgotten_at TEXT);

-- interactions
CREATE TABLE interactions (
    id   INTEGER PRIMARY KEY,
    cust INTEGER NOT NULL REFERENCES customers (key),
    day  INTEGER NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('service_ticket', 'complaint', 'inquiry', 'referral', 'other')),
    line INTEGER NOT NULL CHECK (line >= 0)
);

-- overrides
CREATE TABLE overrides (
    id         INTEGER PRIMARY KEY,
    cust       INTEGER NOT NULL REFERENCES customers (key),
    tier       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    until      INTEGER,
    cleared_at TEXT,
    cleared_by TEXT
);

-- payments
CREATE TABLE payments (
    id      INTEGER PRIMARY KEY,
    cust    INTEGER NOT NULL REFERENCES customers (key),
    invoice INTEGER NOT NULL,
    due     INTEGER NOT NULL,
    paid    INTEGER,
    amount  REAL,
    line    INTEGER NOT NULL CHECK (line >= 0)
);

-- privacy
CREATE TABLE privacy (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    key_id    TEXT,
    plaintext INTEGER NOT NULL CHECK (plaintext IN (0, 1))
);

-- provisional_alerts
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

-- provisional_results
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

-- result_details
CREATE TABLE "result_details" (
    id     INTEGER PRIMARY KEY REFERENCES "results" (id) ON DELETE CASCADE,
    detail TEXT NOT NULL
);

-- results
CREATE TABLE "results" (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    customer_id     TEXT NOT NULL,
    name            TEXT,
    industry        TEXT,
    region          TEXT,
    owner           TEXT,
    tier            TEXT NOT NULL,
    value_class     TEXT NOT NULL,
    potential_tier  TEXT NOT NULL,
    lifecycle       TEXT NOT NULL,
    profit_loyalty  TEXT NOT NULL,
    cluster         INTEGER,
    rfm_segment     TEXT,
    score           REAL NOT NULL,
    value_score     REAL NOT NULL,
    potential_score REAL NOT NULL,
    spend_12m       REAL,
    clv             REAL,
    p_alive         REAL,
    raw_tier        TEXT,
    tier_streak     INTEGER NOT NULL DEFAULT 0,
    spend_prev_12m  REAL,
    orders_12m      REAL,
    payment_delay   REAL,
    overdue         REAL,
    csat            REAL,
    nps             REAL,
    complaints_12m  REAL,
    risk            TEXT
);

-- run_counts
CREATE TABLE run_counts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    dim    TEXT NOT NULL,
    value  TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (run_id, dim, value)
) WITHOUT ROWID;

-- runs
CREATE TABLE runs (
    id         INTEGER PRIMARY KEY,
    as_of      INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    customers  INTEGER NOT NULL,
    seconds    REAL NOT NULL,
    config     TEXT NOT NULL,
    meta       TEXT NOT NULL CHECK (json_valid(meta))
, detail_dict BLOB);

-- surveys
CREATE TABLE surveys (
    id   INTEGER PRIMARY KEY,
    cust INTEGER NOT NULL REFERENCES customers (key),
    day  INTEGER NOT NULL,
    csat REAL CHECK (csat IS NULL OR csat >= 0),
    nps  REAL CHECK (nps IS NULL OR (nps >= 0 AND nps <= 10)),
    line INTEGER NOT NULL CHECK (line >= 0)
);

-- tokens
CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sha256     BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
, expires_at TEXT, last_used_at TEXT, revoked_at TEXT);

-- transactions
CREATE TABLE transactions (
    id       INTEGER PRIMARY KEY,
    cust     INTEGER NOT NULL REFERENCES customers (key),
    day      INTEGER NOT NULL,
    amount   REAL NOT NULL,
    cost     REAL,
    -- No REFERENCES on the two label ids: only the store writes them, from its own interned
    -- tables, and two foreign-key lookups per line cost 8% of a bulk import.
    category INTEGER,
    quantity REAL,
    channel  INTEGER,
    order_id TEXT,
    refund   INTEGER NOT NULL CHECK (refund IN (0, 1)),
    line     INTEGER NOT NULL CHECK (line >= 0)
);

-- users
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'manager', 'sales')),
    owner_id      TEXT,
    password_hash TEXT,
    created_at    TEXT NOT NULL
, password_changed_at TEXT);

-- indexs

-- alerts_customer
CREATE INDEX alerts_customer ON alerts (customer_id, run_id);

-- alerts_owner
CREATE INDEX alerts_owner ON alerts (owner, run_id);

-- alerts_run
CREATE INDEX alerts_run ON alerts (run_id, status, severity);

-- alerts_run_open_order
CREATE INDEX alerts_run_open_order ON alerts (run_id, status,
    CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, customer_id, rule);

-- alerts_run_order
CREATE INDEX alerts_run_order ON alerts (run_id,
    CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, customer_id, rule);

-- audit_log_action
CREATE INDEX audit_log_action ON audit_log (action, id);

-- audit_log_actor
CREATE INDEX audit_log_actor ON audit_log (actor, id);

-- contracts_key
CREATE UNIQUE INDEX contracts_key
    ON contracts (cust, start_day, ifnull(end_day, ''), line);

-- interactions_key
CREATE UNIQUE INDEX interactions_key ON interactions (cust, day, kind, line);

-- overrides_cust
CREATE INDEX overrides_cust ON overrides (cust, id);

-- overrides_open
CREATE INDEX overrides_open ON overrides (cleared_at) WHERE cleared_at IS NULL;

-- payments_key
CREATE UNIQUE INDEX payments_key
    ON payments (cust, invoice, due, ifnull(amount, ''), line);

-- provisional_alerts_customer
CREATE INDEX provisional_alerts_customer ON provisional_alerts (customer_id, run_id);

-- provisional_results_run
CREATE INDEX provisional_results_run ON provisional_results (run_id);

-- results_run
CREATE INDEX results_run ON results (run_id);

-- results_run_clv
CREATE INDEX results_run_clv ON results (run_id, clv DESC);

-- results_run_customer
CREATE UNIQUE INDEX results_run_customer ON results (run_id, customer_id);

-- results_run_industry
CREATE INDEX results_run_industry ON results (run_id, industry);

-- results_run_lifecycle
CREATE INDEX results_run_lifecycle ON results (run_id, lifecycle);

-- results_run_owner
CREATE INDEX results_run_owner ON results (run_id, owner);

-- results_run_potential_tier
CREATE INDEX results_run_potential_tier ON results (run_id, potential_tier);

-- results_run_profit_loyalty
CREATE INDEX results_run_profit_loyalty ON results (run_id, profit_loyalty);

-- results_run_region
CREATE INDEX results_run_region ON results (run_id, region);

-- results_run_spend
CREATE INDEX results_run_spend ON results (run_id, spend_12m DESC);

-- results_run_tier
CREATE INDEX results_run_tier ON results (run_id, tier);

-- results_run_value_class
CREATE INDEX results_run_value_class ON results (run_id, value_class);

-- run_counts_value
CREATE INDEX run_counts_value ON run_counts (run_id, value);

-- surveys_key
CREATE UNIQUE INDEX surveys_key
    ON surveys (cust, day, ifnull(csat, ''), ifnull(nps, ''), line);

-- transactions_cust_day
CREATE INDEX transactions_cust_day ON transactions (cust, day);

-- transactions_natural_key
CREATE UNIQUE INDEX transactions_natural_key
    ON transactions (cust, day, amount, ifnull(category, -1), line) WHERE order_id IS NULL;

-- transactions_order_key
CREATE UNIQUE INDEX transactions_order_key
    ON transactions (order_id, refund, line) WHERE order_id IS NOT NULL;

-- triggers

-- alert_open_counts_status
CREATE TRIGGER alert_open_counts_status AFTER UPDATE OF status ON alerts
    WHEN (old.status = 'open') <> (new.status = 'open')
BEGIN
    INSERT INTO alert_open_counts (run_id, owner, n)
        VALUES (new.run_id, ifnull(new.owner, ''),
                CASE WHEN new.status = 'open' THEN 1 ELSE -1 END)
        ON CONFLICT (run_id, owner) DO UPDATE SET n = n + excluded.n;
END;

-- audit_log_no_delete
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
END;

-- audit_log_no_update
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;

-- customers_no_plaintext_insert
CREATE TRIGGER customers_no_plaintext_insert BEFORE INSERT ON customers
    WHEN NEW.phone IS NOT NULL OR NEW.email IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'personal fields are stored only encrypted (customers.personal)');
END;

-- customers_no_plaintext_update
CREATE TRIGGER customers_no_plaintext_update BEFORE UPDATE OF phone, email ON customers
    WHEN NEW.phone IS NOT NULL OR NEW.email IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'personal fields are stored only encrypted (customers.personal)');
END;
