-- A source table for the connector daemon example, and a read-only user for the connector.
-- Run as a PostgreSQL superuser (or the owner of the schema), e.g.:
--   psql -h 127.0.0.1 -U postgres -d licences -f prepare.sql
-- In production, have the DBA review it: the connector needs SELECT on the tables it captures, nothing more,
-- unless it installs the change log itself (see README.md).

-- The connector's user. Set the password from outside the file:
--   psql … -v reader_password="'$PGPASSWORD'" -f prepare.sql
\if :{?reader_password}
\else
  \set reader_password '''change-me'''
\endif
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferry_reader') THEN
    CREATE ROLE ferry_reader LOGIN;
  END IF;
END $$;
ALTER ROLE ferry_reader PASSWORD :reader_password;

-- 营业执照 (business licences): captured with the change-log strategy (sees deletes).
CREATE TABLE IF NOT EXISTS public.licence (
  id          bigserial PRIMARY KEY,
  licence_no  varchar(32)  NOT NULL UNIQUE,
  holder      varchar(200) NOT NULL,
  credit_code char(18),
  capital     numeric(18, 2),
  issued_on   date         NOT NULL,
  updated_at  timestamptz  NOT NULL DEFAULT now()
);

-- 许可证 (permits): captured with the timestamp strategy, so every write must set updated_at.
CREATE TABLE IF NOT EXISTS public.permit (
  id          bigserial PRIMARY KEY,
  licence_id  bigint       NOT NULL REFERENCES public.licence (id),
  kind        varchar(50)  NOT NULL,
  valid_until date,
  updated_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS permit_updated_at ON public.permit (updated_at, id);
CREATE OR REPLACE FUNCTION public.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS permit_touch ON public.permit;
CREATE TRIGGER permit_touch BEFORE UPDATE ON public.permit FOR EACH ROW EXECUTE PROCEDURE public.touch_updated_at();

GRANT USAGE ON SCHEMA public TO ferry_reader;
GRANT SELECT ON public.licence, public.permit TO ferry_reader;

-- Some rows to start with.
INSERT INTO public.licence (licence_no, holder, credit_code, capital, issued_on)
SELECT 'L' || lpad(i::text, 8, '0'), '示例企业' || i || '有限公司', NULL, (i * 1000)::numeric(18, 2), DATE '2020-01-01' + i
FROM generate_series(1, 5000) AS i
ON CONFLICT (licence_no) DO NOTHING;
INSERT INTO public.permit (licence_id, kind, valid_until)
SELECT id, '食品经营许可', issued_on + 1825 FROM public.licence WHERE id % 3 = 0
  AND NOT EXISTS (SELECT 1 FROM public.permit p WHERE p.licence_id = licence.id);

-- The change log of public.licence is created from `ferry connector changelog-ddl config.yaml` (README.md,
-- step 3); afterwards the connector needs to read it and purge what it has read:
--   GRANT SELECT, DELETE ON public.licence_ferry_log TO ferry_reader;
