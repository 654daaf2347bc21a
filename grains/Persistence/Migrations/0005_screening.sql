-- Screening results: a journal record like any other change to a student, its result in `detail`.
-- Safe to run again.

ALTER TABLE grid_student_events DROP CONSTRAINT IF EXISTS grid_student_events_kind_check;
ALTER TABLE grid_student_events ADD CONSTRAINT grid_student_events_kind_check
    CHECK (kind IN ('Observation', 'Acknowledge', 'Resolve', 'Reassess', 'Escalate', 'Case', 'FollowUpOverdue', 'Screening'));

-- The file row key (instrument and date taken) is stored once per student: importing a file again
-- finds its rows here and changes nothing, and a stale activation cannot store a result twice.
CREATE UNIQUE INDEX IF NOT EXISTS grid_student_events_screening ON grid_student_events (student_id, (detail->>'key'))
    WHERE kind = 'Screening';
