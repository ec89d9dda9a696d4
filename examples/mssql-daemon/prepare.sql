-- Run as sysadmin (sqlcmd / SSMS). Creates the database, a table, enables Change Tracking and CDC, and
-- grants the connector's login what each strategy needs.
CREATE DATABASE licences COLLATE Chinese_PRC_CI_AS;  -- varchar columns use code page 936 (GBK)
GO
USE licences;
GO
CREATE LOGIN ferry_reader WITH PASSWORD = 'Change-me-2026!';
CREATE USER ferry_reader FOR LOGIN ferry_reader;
GO
CREATE TABLE dbo.licence (
  id          bigint          NOT NULL PRIMARY KEY,
  holder      nvarchar(50)    NOT NULL,
  legacy_name varchar(50)     NULL,            -- GBK text (Chinese_PRC_CI_AS)
  amount      decimal(38,10)  NULL,
  fee         money           NULL,
  issued      datetime2(7)    NULL,
  signed_at   datetimeoffset(7) NULL,
  uid         uniqueidentifier NULL,
  photo       varbinary(max)  NULL,
  updated_at  datetime2(6)    NOT NULL DEFAULT SYSDATETIME(),
  rv          rowversion
);
CREATE INDEX licence_updated_at ON dbo.licence (updated_at);
CREATE INDEX licence_rv ON dbo.licence (rv);
GO
GRANT SELECT ON dbo.licence TO ferry_reader;

-- change-tracking: CT on the database and table, snapshot isolation for the reads, VIEW CHANGE TRACKING.
ALTER DATABASE licences SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON);
ALTER DATABASE licences SET ALLOW_SNAPSHOT_ISOLATION ON;
ALTER TABLE dbo.licence ENABLE CHANGE_TRACKING;
GRANT VIEW CHANGE TRACKING ON dbo.licence TO ferry_reader;
GO

-- cdc: needs SQL Server Agent running (containers: MSSQL_AGENT_ENABLED=true). @role_name = NULL: no gating
-- role; otherwise add ferry_reader to it.
EXEC sys.sp_cdc_enable_db;
EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'licence', @role_name = NULL;
GRANT SELECT ON SCHEMA::cdc TO ferry_reader;
-- Lets preflight check SQL Server Agent (sys.dm_server_services); without it preflight says it cannot tell.
USE master; GRANT VIEW SERVER STATE TO ferry_reader;
GO
