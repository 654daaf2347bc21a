-- CSV imports: one row per import with its last progress, and the rows it refused. Safe to run again.

CREATE TABLE IF NOT EXISTS grid_imports (
    import_id   text        PRIMARY KEY,
    kind        text        NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    state       text        NOT NULL,
    job         jsonb       NOT NULL
);

CREATE INDEX IF NOT EXISTS grid_imports_recent ON grid_imports (created_at DESC);

-- Refused rows, in the order found. An import stores at most a configured number of them
-- (it keeps counting the rest).
CREATE TABLE IF NOT EXISTS grid_import_errors (
    import_id   text     NOT NULL REFERENCES grid_imports (import_id),
    seq         integer  NOT NULL,
    row_number  integer  NOT NULL,
    column_name text,
    reason      text     NOT NULL,
    value       text,
    PRIMARY KEY (import_id, seq)
);
