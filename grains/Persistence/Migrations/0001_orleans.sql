-- MonitorGrid: PostgreSQL schema for the Orleans ADO.NET providers (grain storage, clustering, reminders).
--
-- The providers load every statement they run from OrleansQuery at start-up and bind named parameters
-- (@Name) to them; the tables and the statement texts below are this project's own. All times are
-- timestamptz; every statement that needs more than one step is a function, so each provider call is a
-- single atomic statement. The file is safe to run again: tables and indexes are created only when
-- missing, functions are replaced and query texts are upserted.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

------------------------------------------------------------------------------------------------------------
-- Grain storage
--
-- A row is one grain's state under one state name. Its identity is (ServiceId, GrainTypeString,
-- GrainIdN0, GrainIdN1, GrainIdExtensionString); the two hashes lead the index so a lookup is one index
-- probe. Version is the ETag: NULL only before the first write, then 1, 2, ... A write or clear that
-- names another version changes nothing and returns no row, which the provider reports as a conflict.
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    Version                integer     NULL
) WITH (fillfactor = 90);

CREATE UNIQUE INDEX IF NOT EXISTS OrleansStorage_Grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
    NULLS NOT DISTINCT;

-- The version after v; wraps to 1 rather than overflowing.
CREATE OR REPLACE FUNCTION grid_next_version(v integer) RETURNS integer
LANGUAGE sql IMMUTABLE AS
$fn$ SELECT CASE WHEN v IS NULL OR v >= 2147483647 THEN 1 ELSE v + 1 END $fn$;

CREATE OR REPLACE FUNCTION grid_storage_write(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_key_ext text, p_service_id text, p_expected_version integer, p_payload bytea)
RETURNS TABLE (NewGrainStateVersion integer)
LANGUAGE plpgsql AS
$fn$
BEGIN
    IF p_expected_version IS NULL THEN
        -- First write: only if no row exists yet.
        RETURN QUERY
        INSERT INTO OrleansStorage AS s (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
                                         GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
                p_key_ext, p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING s.Version;
    ELSE
        RETURN QUERY
        UPDATE OrleansStorage AS s
           SET PayloadBinary = p_payload, ModifiedOn = now(), Version = grid_next_version(s.Version)
         WHERE s.GrainIdHash = p_grain_id_hash AND s.GrainTypeHash = p_grain_type_hash
           AND s.ServiceId = p_service_id AND s.GrainTypeString = p_grain_type
           AND s.GrainIdN0 = p_grain_id_n0 AND s.GrainIdN1 = p_grain_id_n1
           AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_key_ext
           AND s.Version = p_expected_version
        RETURNING s.Version;
    END IF;
END
$fn$;

-- Clear keeps the row (and so the version sequence) with no payload.
CREATE OR REPLACE FUNCTION grid_storage_clear(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_key_ext text, p_service_id text, p_expected_version integer)
RETURNS TABLE (NewGrainStateVersion integer)
LANGUAGE sql AS
$fn$
    UPDATE OrleansStorage AS s
       SET PayloadBinary = NULL, ModifiedOn = now(), Version = grid_next_version(s.Version)
     WHERE s.GrainIdHash = p_grain_id_hash AND s.GrainTypeHash = p_grain_type_hash
       AND s.ServiceId = p_service_id AND s.GrainTypeString = p_grain_type
       AND s.GrainIdN0 = p_grain_id_n0 AND s.GrainIdN1 = p_grain_id_n1
       AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_key_ext
       AND s.Version = p_expected_version
    RETURNING s.Version;
$fn$;

-- Delete (for DeleteStateOnClear) removes the row; the value returned only has to differ from the
-- caller's ETag, so it is the next version.
CREATE OR REPLACE FUNCTION grid_storage_delete(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_key_ext text, p_service_id text, p_expected_version integer)
RETURNS TABLE (NewGrainStateVersion integer)
LANGUAGE sql AS
$fn$
    DELETE FROM OrleansStorage AS s
     WHERE s.GrainIdHash = p_grain_id_hash AND s.GrainTypeHash = p_grain_type_hash
       AND s.ServiceId = p_service_id AND s.GrainTypeString = p_grain_type
       AND s.GrainIdN0 = p_grain_id_n0 AND s.GrainIdN1 = p_grain_id_n1
       AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_key_ext
       AND s.Version = p_expected_version
    RETURNING grid_next_version(s.Version);
$fn$;

------------------------------------------------------------------------------------------------------------
-- Clustering
--
-- One version row per cluster (DeploymentId) is the table's ETag. Inserting or updating a member row
-- succeeds only together with moving the version from the caller's value to the next one; otherwise
-- nothing changes and the call answers false. Heartbeats (IAmAliveTime) touch only the member row.
-- Status values are Orleans' SiloStatus numbers (3 = Active, 6 = Dead).
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL PRIMARY KEY,
    Timestamp    timestamptz NOT NULL DEFAULT now(),
    Version      integer     NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId text          NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE,
    Address      varchar(45)   NOT NULL,
    Port         integer       NOT NULL,
    Generation   integer       NOT NULL,
    SiloName     text          NOT NULL,
    HostName     text          NOT NULL,
    Status       integer       NOT NULL,
    ProxyPort    integer       NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime    timestamptz   NOT NULL,
    IAmAliveTime timestamptz   NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

CREATE OR REPLACE FUNCTION grid_membership_insert(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_silo_name text,
    p_host_name text, p_status integer, p_proxy_port integer, p_start timestamptz, p_alive timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql AS
$fn$
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version = grid_next_version(Version), Timestamp = now()
         WHERE DeploymentId = p_deployment AND Version = p_expected_version;
        IF NOT FOUND THEN
            RETURN false;
        END IF;

        INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName,
                                            Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name,
                p_status, p_proxy_port, p_start, p_alive)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            -- The silo is already there: undo the version move.
            RAISE EXCEPTION USING ERRCODE = 'no_data_found';
        END IF;
        RETURN true;
    EXCEPTION WHEN no_data_found THEN
        RETURN false;
    END;
END
$fn$;

CREATE OR REPLACE FUNCTION grid_membership_update(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_status integer,
    p_suspect_times text, p_alive timestamptz, p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql AS
$fn$
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version = grid_next_version(Version), Timestamp = now()
         WHERE DeploymentId = p_deployment AND Version = p_expected_version;
        IF NOT FOUND THEN
            RETURN false;
        END IF;

        UPDATE OrleansMembershipTable
           SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_alive
         WHERE DeploymentId = p_deployment AND Address = p_address AND Port = p_port
           AND Generation = p_generation;
        IF NOT FOUND THEN
            -- No such silo: undo the version move.
            RAISE EXCEPTION USING ERRCODE = 'no_data_found';
        END IF;
        RETURN true;
    EXCEPTION WHEN no_data_found THEN
        RETURN false;
    END;
END
$fn$;

------------------------------------------------------------------------------------------------------------
-- Reminders
--
-- One row per (ServiceId, GrainId, ReminderName). GrainHash is the grain's uniform hash as a signed
-- integer; range reads compare in that signed space, as the provider chooses between the two range
-- queries by comparing the bounds as signed integers. Version is the reminder's ETag.
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    text        NOT NULL,
    GrainId      text        NOT NULL,
    ReminderName text        NOT NULL,
    StartTime    timestamptz NOT NULL,
    Period       bigint      NOT NULL,
    GrainHash    integer     NOT NULL,
    Version      integer     NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS OrleansRemindersTable_Hash ON OrleansRemindersTable (ServiceId, GrainHash);

------------------------------------------------------------------------------------------------------------
-- Query texts
------------------------------------------------------------------------------------------------------------

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Storage: reads return PayloadBinary and Version; writes return NewGrainStateVersion.
('ReadFromStorageKey', $q$
SELECT s.PayloadBinary AS "PayloadBinary", s.Version AS "Version"
  FROM OrleansStorage AS s
 WHERE s.GrainIdHash = @GrainIdHash AND s.GrainTypeHash = @GrainTypeHash
   AND s.ServiceId = @ServiceId AND s.GrainTypeString = @GrainTypeString
   AND s.GrainIdN0 = @GrainIdN0 AND s.GrainIdN1 = @GrainIdN1
   AND s.GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),
('WriteToStorageKey', $q$
SELECT w.NewGrainStateVersion AS "NewGrainStateVersion"
  FROM grid_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                          @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS w
$q$),
('ClearStorageKey', $q$
SELECT c.NewGrainStateVersion AS "NewGrainStateVersion"
  FROM grid_storage_clear(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                          @GrainIdExtensionString, @ServiceId, @GrainStateVersion) AS c
$q$),
('DeleteStorageKey', $q$
SELECT d.NewGrainStateVersion AS "NewGrainStateVersion"
  FROM grid_storage_delete(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                           @GrainIdExtensionString, @ServiceId, @GrainStateVersion) AS d
$q$),

-- Clustering: reads return the version row joined to the member rows, so there is always one row.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM created)
$q$),
('InsertMembershipKey', $q$
SELECT grid_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
                              @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)
$q$),
('UpdateMembershipKey', $q$
SELECT grid_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                              @IAmAliveTime, @Version)
$q$),
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
   SET IAmAliveTime = @IAmAliveTime
 WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
$q$),
('MembershipReadRowKey', $q$
SELECT v.Version AS "Version", m.DeploymentId AS "DeploymentId", m.Address AS "Address", m.Port AS "Port",
       m.Generation AS "Generation", m.SiloName AS "SiloName", m.HostName AS "HostName", m.Status AS "Status",
       m.ProxyPort AS "ProxyPort", m.SuspectTimes AS "SuspectTimes", m.StartTime AS "StartTime",
       m.IAmAliveTime AS "IAmAliveTime"
  FROM OrleansMembershipVersionTable AS v
  LEFT JOIN OrleansMembershipTable AS m
    ON m.DeploymentId = v.DeploymentId
   AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
SELECT v.Version AS "Version", m.DeploymentId AS "DeploymentId", m.Address AS "Address", m.Port AS "Port",
       m.Generation AS "Generation", m.SiloName AS "SiloName", m.HostName AS "HostName", m.Status AS "Status",
       m.ProxyPort AS "ProxyPort", m.SuspectTimes AS "SuspectTimes", m.StartTime AS "StartTime",
       m.IAmAliveTime AS "IAmAliveTime"
  FROM OrleansMembershipVersionTable AS v
  LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId
$q$),
('GatewaysQueryKey', $q$
SELECT m.Address AS "Address", m.ProxyPort AS "ProxyPort", m.Generation AS "Generation"
  FROM OrleansMembershipTable AS m
 WHERE m.DeploymentId = @DeploymentId AND m.Status = @Status AND m.ProxyPort > 0
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId
$q$),
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime
$q$),
-- Removes one dead silo's row only if it still holds the values the caller read.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
   AND Status = 6 AND StartTime = @StartTime AND IAmAliveTime = @IAmAliveTime
   AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '')
$q$),

-- Reminders: reads return GrainId, ReminderName, StartTime, Period and Version.
('UpsertReminderRowKey', $q$
INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 1)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
   SET StartTime = EXCLUDED.StartTime, Period = EXCLUDED.Period, GrainHash = EXCLUDED.GrainHash,
       Version = grid_next_version(r.Version)
RETURNING r.Version AS "Version"
$q$),
('ReadReminderRowsKey', $q$
SELECT r.GrainId AS "GrainId", r.ReminderName AS "ReminderName", r.StartTime AS "StartTime",
       r.Period AS "Period", r.Version AS "Version"
  FROM OrleansRemindersTable AS r
 WHERE r.ServiceId = @ServiceId AND r.GrainId = @GrainId
$q$),
('ReadReminderRowKey', $q$
SELECT r.GrainId AS "GrainId", r.ReminderName AS "ReminderName", r.StartTime AS "StartTime",
       r.Period AS "Period", r.Version AS "Version"
  FROM OrleansRemindersTable AS r
 WHERE r.ServiceId = @ServiceId AND r.GrainId = @GrainId AND r.ReminderName = @ReminderName
$q$),
('ReadRangeRows1Key', $q$
SELECT r.GrainId AS "GrainId", r.ReminderName AS "ReminderName", r.StartTime AS "StartTime",
       r.Period AS "Period", r.Version AS "Version"
  FROM OrleansRemindersTable AS r
 WHERE r.ServiceId = @ServiceId AND r.GrainHash > @BeginHash AND r.GrainHash <= @EndHash
$q$),
('ReadRangeRows2Key', $q$
SELECT r.GrainId AS "GrainId", r.ReminderName AS "ReminderName", r.StartTime AS "StartTime",
       r.Period AS "Period", r.Version AS "Version"
  FROM OrleansRemindersTable AS r
 WHERE r.ServiceId = @ServiceId AND (r.GrainHash > @BeginHash OR r.GrainHash <= @EndHash)
$q$),
('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
       AND Version = @Version
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM removed)
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
