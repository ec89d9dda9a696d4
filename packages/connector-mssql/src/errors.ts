// SQL Server errors as tedious reports them (RequestError with `number`), mapped where the runner must act.
import { FerryError } from '@ferry/sdk/errors';

/**
 * The shape of a tedious `RequestError`: `number` is the SQL Server error number, `state`, `class`
 * (severity), `message` (tedious `src/errors.ts`; fields documented on the `Request` callback's error).
 */
export interface MssqlDriverError {
  number?: number;
  state?: number;
  class?: number;
  message?: string;
  code?: string;
}

/**
 * SQL Server errors meaning a position cannot be served:
 * - 313 "An insufficient number of arguments were supplied for the procedure or function
 *   cdc.fn_cdc_get_all_changes_…": the LSN range is outside the capture instance's validity interval
 *   (cleanup purged it) — documented on cdc.fn_cdc_get_all_changes_<capture_instance>.
 * - 22105 "Change tracking is not enabled on table …": tracking was switched off (and with it the history).
 * - 208 "Invalid object name 'cdc.fn_cdc_get_all_changes_…'": the capture instance was dropped.
 */
export const EXPIRED_MSSQL_ERRORS: ReadonlyMap<number, string> = new Map([
  [313, 'the LSN range is no longer in the capture instance (CDC cleanup passed the cursor)'],
  [22105, 'change tracking is not enabled on the table any more'],
  [208, 'the CDC capture instance no longer exists'],
]);

/** `FERRY_CURSOR_EXPIRED` for an error of {@link EXPIRED_MSSQL_ERRORS}; `err` itself otherwise. */
export function mapMssqlError(err: unknown, table: string): unknown {
  const num = (err as MssqlDriverError | undefined)?.number;
  const why = num === undefined ? undefined : EXPIRED_MSSQL_ERRORS.get(num);
  if (!why) return err;
  if (num === 208 && !/cdc\./i.test((err as MssqlDriverError).message ?? '')) return err;
  return new FerryError('FERRY_CURSOR_EXPIRED', `${table}: ${why} (SQL Server error ${num}); resnapshot`, {
    cause: err,
    details: { table, sqlServerError: num },
  });
}

/** The error a position below `CHANGE_TRACKING_MIN_VALID_VERSION` gets (no server error is raised for it). */
export function changeTrackingExpired(table: string, last: string, minValid: string): FerryError {
  return new FerryError(
    'FERRY_CURSOR_EXPIRED',
    `${table}: change tracking version ${last} is below CHANGE_TRACKING_MIN_VALID_VERSION ${minValid} (the retention period cleaned up changes not yet read); resnapshot, and raise CHANGE_RETENTION`,
    { details: { table, version: last, minValidVersion: minValid } },
  );
}
