-- What the browser UI reads besides the journal and the projection: the roster's tree (which schools a
-- district has, which classes a school has) for drilling down, and an index for "my submissions".
-- Safe to run again.

-- One row per district, school and class; names stay in the grains' state, the authority on them.
CREATE TABLE IF NOT EXISTS grid_roster_nodes (
    kind       text NOT NULL CHECK (kind IN ('district', 'school', 'class')),
    id         text NOT NULL,
    parent_id  text,
    PRIMARY KEY (kind, id)
);

CREATE INDEX IF NOT EXISTS grid_roster_nodes_parent ON grid_roster_nodes (kind, parent_id);

-- Nodes of a database older than this table: every one that has a student is in the projection.
INSERT INTO grid_roster_nodes (kind, id, parent_id)
SELECT DISTINCT 'district', district_id, NULL::text FROM grid_student_status
ON CONFLICT DO NOTHING;
INSERT INTO grid_roster_nodes (kind, id, parent_id)
SELECT DISTINCT 'school', school_id, district_id FROM grid_student_status
ON CONFLICT DO NOTHING;
INSERT INTO grid_roster_nodes (kind, id, parent_id)
SELECT DISTINCT 'class', class_id, school_id FROM grid_student_status
ON CONFLICT DO NOTHING;

-- An observer's own submissions, newest first. One more index entry per observation written.
CREATE INDEX IF NOT EXISTS grid_student_events_observer ON grid_student_events (observer_id, recorded_at DESC)
    WHERE observer_id IS NOT NULL;
