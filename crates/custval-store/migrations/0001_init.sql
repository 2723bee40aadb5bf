-- The custval store schema, version 1. The crate docs (custval-store/src/lib.rs) explain the
-- choices: dense integer customer keys, days as integers, occurrence-indexed import keys,
-- results split from their opaque JSON detail.

-- Customers: `key` is the dense integer every fact table references.
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
);

-- Interned labels of order lines.
CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE channels (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Order lines. Key: (order_id, refund, line) when the row has an order id, otherwise
-- (cust, day, amount, category, line); `line` is the occurrence index of that key within the
-- import that stored the row.
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
CREATE UNIQUE INDEX transactions_order_key
    ON transactions (order_id, refund, line) WHERE order_id IS NOT NULL;
CREATE UNIQUE INDEX transactions_natural_key
    ON transactions (cust, day, amount, ifnull(category, -1), line) WHERE order_id IS NULL;
CREATE INDEX transactions_cust_day ON transactions (cust, day);

-- Sales and service cost per customer and period (first day of the month); upserted.
CREATE TABLE costs (
    cust    INTEGER NOT NULL REFERENCES customers (key),
    period  INTEGER NOT NULL,
    sales   REAL NOT NULL,
    service REAL NOT NULL,
    PRIMARY KEY (cust, period)
) WITHOUT ROWID;

CREATE TABLE interactions (
    id   INTEGER PRIMARY KEY,
    cust INTEGER NOT NULL REFERENCES customers (key),
    day  INTEGER NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('service_ticket', 'complaint', 'inquiry', 'referral', 'other')),
    line INTEGER NOT NULL CHECK (line >= 0)
);
CREATE UNIQUE INDEX interactions_key ON interactions (cust, day, kind, line);

-- NULL answers are keyed as '' (a text value never equal to a number), because SQLite treats
-- NULLs as distinct in unique indexes.
CREATE TABLE surveys (
    id   INTEGER PRIMARY KEY,
    cust INTEGER NOT NULL REFERENCES customers (key),
    day  INTEGER NOT NULL,
    csat REAL CHECK (csat IS NULL OR csat >= 0),
    nps  REAL CHECK (nps IS NULL OR (nps >= 0 AND nps <= 10)),
    line INTEGER NOT NULL CHECK (line >= 0)
);
CREATE UNIQUE INDEX surveys_key
    ON surveys (cust, day, ifnull(csat, ''), ifnull(nps, ''), line);

-- `renewed` is an outcome learnt later: not part of the key, updated when a later export
-- knows it.
CREATE TABLE contracts (
    id        INTEGER PRIMARY KEY,
    cust      INTEGER NOT NULL REFERENCES customers (key),
    start_day INTEGER NOT NULL,
    end_day   INTEGER,
    renewed   INTEGER CHECK (renewed IS NULL OR renewed IN (0, 1)),
    line      INTEGER NOT NULL CHECK (line >= 0)
);
CREATE UNIQUE INDEX contracts_key
    ON contracts (cust, start_day, ifnull(end_day, ''), line);

-- `paid` is an outcome learnt later, like `renewed`.
CREATE TABLE payments (
    id      INTEGER PRIMARY KEY,
    cust    INTEGER NOT NULL REFERENCES customers (key),
    invoice INTEGER NOT NULL,
    due     INTEGER NOT NULL,
    paid    INTEGER,
    amount  REAL,
    line    INTEGER NOT NULL CHECK (line >= 0)
);
CREATE UNIQUE INDEX payments_key
    ON payments (cust, invoice, due, ifnull(amount, ''), line);

-- Evaluation runs: written once, in one transaction, never modified.
CREATE TABLE runs (
    id         INTEGER PRIMARY KEY,
    as_of      INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    customers  INTEGER NOT NULL,
    seconds    REAL NOT NULL,
    config     TEXT NOT NULL,
    meta       TEXT NOT NULL CHECK (json_valid(meta))
);

-- One row per customer and run: the columns lists filter and sort on. The customer is kept
-- as its text id (a snapshot that outlives changes to the customers table).
CREATE TABLE results (
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
    p_alive         REAL
);
CREATE UNIQUE INDEX results_run_customer ON results (run_id, customer_id);
CREATE INDEX results_run_score ON results (run_id, score);
CREATE INDEX results_run_tier ON results (run_id, tier, score);
CREATE INDEX results_run_owner ON results (run_id, owner, score);
CREATE INDEX results_run_industry ON results (run_id, industry, score);
CREATE INDEX results_run_region ON results (run_id, region, score);
CREATE INDEX results_run_value_class ON results (run_id, value_class, score);
CREATE INDEX results_run_lifecycle ON results (run_id, lifecycle, score);
CREATE INDEX results_run_potential_tier ON results (run_id, potential_tier, score);
CREATE INDEX results_run_profit_loyalty ON results (run_id, profit_loyalty, score);

CREATE INDEX results_run_clv ON results (run_id, clv);
CREATE INDEX results_run_spend ON results (run_id, spend_12m);

-- How many results of a run have each value of each filterable column, written with the run:
-- the total of a one-filter list without counting a million index entries.
CREATE TABLE run_counts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    dim    TEXT NOT NULL,
    value  TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (run_id, dim, value)
) WITHOUT ROWID;
CREATE INDEX run_counts_value ON run_counts (run_id, value);

-- The engine's explanation of a result, opaque JSON, apart so that list scans stay narrow.
CREATE TABLE result_details (
    id     INTEGER PRIMARY KEY REFERENCES results (id) ON DELETE CASCADE,
    detail TEXT NOT NULL
);

-- Manual tier overrides; superseded or cleared ones are kept (cleared_at set) as history.
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
CREATE INDEX overrides_cust ON overrides (cust, id);
CREATE INDEX overrides_open ON overrides (cleared_at) WHERE cleared_at IS NULL;

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL CHECK (json_valid(detail))
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'manager', 'sales')),
    owner_id      TEXT,
    password_hash TEXT,
    created_at    TEXT NOT NULL
);

-- API tokens: only the SHA-256 of a token is stored.
CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sha256     BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
