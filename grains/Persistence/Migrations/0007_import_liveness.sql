-- When each import's row was last written: a running import whose reader keeps saving is alive; one that
-- has gone silent lost its node, and is marked failed (AbandonedImportReaper). Safe to run again.

ALTER TABLE grid_imports ADD COLUMN IF NOT EXISTS saved_at timestamptz;

UPDATE grid_imports SET saved_at = created_at WHERE saved_at IS NULL;

ALTER TABLE grid_imports ALTER COLUMN saved_at SET DEFAULT now();
ALTER TABLE grid_imports ALTER COLUMN saved_at SET NOT NULL;
