-- MonitorGrid's own tables: the student journal, the status projection the aggregates load from,
-- Safe to run again: everything is created only when missing, or replaced.
-- and the audit trail. Tiers are stored as 0 Green, 1 Yellow, 2 Orange, 3 Red so they compare.

-- Every change to a student, append-only. (student_id, version) orders a student's changes; the
-- outcome columns (tier_after, open_alert_id, alert) let a student be rebuilt without re-scoring.
CREATE TABLE IF NOT EXISTS grid_student_events (
    student_id       text        NOT NULL,
    version          bigint      NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('Observation', 'Acknowledge', 'Resolve', 'Reassess')),
    recorded_at      timestamptz NOT NULL,
    tier_after       smallint    NOT NULL CHECK (tier_after BETWEEN 0 AND 3),
    open_alert_id    text,
    alert            jsonb,
    observation_id   text,
    observer_id      text,
    observer_role    text,
    category         text,
    severity         smallint CHECK (severity BETWEEN 1 AND 3),
    note             text,
    observed_at      timestamptz,
    idempotency_key  text,
    actor_id         text,
    actor_role       text,
    action_note      text,
    client_address   text,
    PRIMARY KEY (student_id, version)
);

CREATE UNIQUE INDEX IF NOT EXISTS grid_student_events_observation ON grid_student_events (observation_id)
    WHERE observation_id IS NOT NULL;

-- An idempotency key is answered once per observer, whatever the student.
CREATE UNIQUE INDEX IF NOT EXISTS grid_student_events_idempotency ON grid_student_events (observer_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE INDEX IF NOT EXISTS grid_student_events_recorded ON grid_student_events (recorded_at);

-- One row per student: roster profile, tier, open alert and the version of the last change.
CREATE TABLE IF NOT EXISTS grid_student_status (
    student_id   text        PRIMARY KEY,
    class_id     text        NOT NULL,
    school_id    text        NOT NULL,
    district_id  text        NOT NULL,
    profile      jsonb       NOT NULL,
    tier         smallint    NOT NULL CHECK (tier BETWEEN 0 AND 3),
    open_alert   jsonb,
    version      bigint      NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS grid_student_status_class ON grid_student_status (class_id);
CREATE INDEX IF NOT EXISTS grid_student_status_school ON grid_student_status (school_id);
CREATE INDEX IF NOT EXISTS grid_student_status_district ON grid_student_status (district_id);
CREATE INDEX IF NOT EXISTS grid_student_status_concern ON grid_student_status (district_id, school_id, class_id) WHERE tier > 0;

-- Who read or changed what, when, from where. Append-only for everyone, the owner included.
CREATE TABLE IF NOT EXISTS grid_audit (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    user_id         text        NOT NULL,
    role            text        NOT NULL,
    action          text        NOT NULL,
    target          text        NOT NULL,
    client_address  text
);

CREATE INDEX IF NOT EXISTS grid_audit_target ON grid_audit (target, at);

CREATE OR REPLACE FUNCTION grid_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE OR REPLACE TRIGGER grid_audit_append_only BEFORE UPDATE OR DELETE ON grid_audit
    FOR EACH ROW EXECUTE FUNCTION grid_refuse_change();
CREATE OR REPLACE TRIGGER grid_audit_no_truncate BEFORE TRUNCATE ON grid_audit
    FOR EACH STATEMENT EXECUTE FUNCTION grid_refuse_change();
CREATE OR REPLACE TRIGGER grid_student_events_append_only BEFORE UPDATE OR DELETE ON grid_student_events
    FOR EACH ROW EXECUTE FUNCTION grid_refuse_change();
CREATE OR REPLACE TRIGGER grid_student_events_no_truncate BEFORE TRUNCATE ON grid_student_events
    FOR EACH STATEMENT EXECUTE FUNCTION grid_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON grid_audit, grid_student_events FROM PUBLIC;
