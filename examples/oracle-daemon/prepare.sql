-- Run as a DBA (SQL*Plus / SQLcl). Creates the capture user, a table with row-level SCNs, and the grants
-- each strategy needs. Adjust names; FERRY is the application schema, FERRY_READER the connector's user.

CREATE USER ferry_reader IDENTIFIED BY "change-me";
GRANT CREATE SESSION TO ferry_reader;

-- ROWDEPENDENCIES gives each row its own ORA_ROWSCN. It can only be set by CREATE TABLE (ALTER TABLE cannot
-- add it): an existing table must be recreated (CREATE TABLE … AS SELECT, or DBMS_REDEFINITION online).
CREATE TABLE ferry.licence (
  id          NUMBER(19)      PRIMARY KEY,
  holder      VARCHAR2(50 CHAR) NOT NULL,
  amount      NUMBER(38,10),
  issued      DATE,
  updated_at  TIMESTAMP(6)    DEFAULT SYSTIMESTAMP NOT NULL,
  signed_at   TIMESTAMP(6) WITH TIME ZONE,
  notes       CLOB,
  photo       BLOB
) ROWDEPENDENCIES;
CREATE INDEX ferry.licence_updated_at ON ferry.licence (updated_at);

-- Every strategy: read the table.
GRANT SELECT ON ferry.licence TO ferry_reader;

-- rowscn / flashback: read the current SCN (either of the two).
GRANT SELECT ON SYS.V_$DATABASE TO ferry_reader;        -- scnSource: v$database (default)
-- GRANT EXECUTE ON SYS.DBMS_FLASHBACK TO ferry_reader;  -- scnSource: dbms_flashback

-- flashback (and rowscn with consistentSnapshot): flashback queries on the table.
GRANT FLASHBACK ON ferry.licence TO ferry_reader;       -- or GRANT FLASHBACK ANY TABLE TO ferry_reader
-- Flashback Version Query reaches back as far as undo holds: keep UNDO_RETENTION (seconds) well above the
-- longest pause of the connector, and consider RETENTION GUARANTEE on the undo tablespace.
ALTER SYSTEM SET UNDO_RETENTION = 86400;

-- changelog with install: true for a table in another schema (or run the DDL from `ferry connector
-- changelog-ddl` as the table owner instead, and grant SELECT on the log table).
-- GRANT CREATE ANY TABLE, CREATE ANY SEQUENCE, CREATE ANY TRIGGER TO ferry_reader;

-- Character sets (informational): Thin mode has the server convert to UTF-8, ZHS16GBK and AL32UTF8 both work.
SELECT parameter, value FROM nls_database_parameters WHERE parameter IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET');
