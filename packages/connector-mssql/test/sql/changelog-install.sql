IF OBJECT_ID(N'[dbo].[licence_ferry_log]', N'U') IS NULL
CREATE TABLE [dbo].[licence_ferry_log] (
  ferry_id bigint IDENTITY(1,1) NOT NULL PRIMARY KEY,
  ferry_op char(1) NOT NULL,
  ferry_at datetimeoffset(7) NOT NULL DEFAULT SYSDATETIMEOFFSET(),
  [id] bigint NULL,
  INDEX [licence_ferry_log_at] (ferry_at)
)
GO
CREATE OR ALTER TRIGGER [dbo].[licence_ferry_trg] ON [dbo].[licence] AFTER INSERT, UPDATE, DELETE AS
BEGIN
  SET NOCOUNT ON;
  -- Old keys that no longer exist after the statement (deletes, key changes) are logged as deletes.
  INSERT INTO [dbo].[licence_ferry_log] (ferry_op, [id])
    SELECT 'D', d.[id] FROM deleted d WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE d.[id] = i.[id]);
  INSERT INTO [dbo].[licence_ferry_log] (ferry_op, [id])
    SELECT 'U', i.[id] FROM inserted i;
END
