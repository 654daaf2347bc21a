-- Closing the loop: escalations, case files and follow-up alerts are journal records like any other
-- change to a student, and the follow-up board reads each student's case from the status projection.
-- Safe to run again.

-- Three more kinds of change. The constraint is replaced whole, so running this twice is harmless.
ALTER TABLE grid_student_events DROP CONSTRAINT IF EXISTS grid_student_events_kind_check;
ALTER TABLE grid_student_events ADD CONSTRAINT grid_student_events_kind_check
    CHECK (kind IN ('Observation', 'Acknowledge', 'Resolve', 'Reassess', 'Escalate', 'Case', 'FollowUpOverdue'));

-- A case record's entry (plan, talk, referral, leave, return, closing) as JSON.
ALTER TABLE grid_student_events ADD COLUMN IF NOT EXISTS detail jsonb;

-- The student's case, open or last closed; NULL for a student who never had one.
ALTER TABLE grid_student_status ADD COLUMN IF NOT EXISTS case_summary jsonb;

-- The follow-up board lists a district's or school's open cases.
CREATE INDEX IF NOT EXISTS grid_student_status_open_case ON grid_student_status (district_id, school_id)
    WHERE case_summary IS NOT NULL AND case_summary->>'closedAt' IS NULL;

-- The mentoring list asks for each vulnerable student's last talk.
CREATE INDEX IF NOT EXISTS grid_student_events_talk ON grid_student_events (student_id, recorded_at DESC)
    WHERE kind = 'Case' AND detail->>'kind' = 'Talk';
