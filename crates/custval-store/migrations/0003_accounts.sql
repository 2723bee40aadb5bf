-- Version 3: key-account management (issue 9).

-- A result's risk level (low, medium, high) when a risk rule fired; NULL otherwise.
ALTER TABLE results ADD COLUMN risk TEXT;

-- One account plan per customer: goals, SWOT, next review, actions taken. `plan` is the JSON of
-- custval-accounts' AccountPlan, opaque to the store; every save is audited.
CREATE TABLE account_plans (
    customer_id TEXT PRIMARY KEY,
    plan        TEXT NOT NULL CHECK (json_valid(plan)),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
) WITHOUT ROWID;
