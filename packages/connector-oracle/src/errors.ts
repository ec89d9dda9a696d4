// Oracle errors as node-oracledb reports them, mapped to Ferry's codes where the runner must act on them.
import { FerryError } from '@ferry/sdk/errors';

/**
 * The shape of a node-oracledb error: `errorNum` is the Oracle number (1555) and `code` its prefix
 * (`'ORA-01555'`), taken from the message (node-oracledb `lib/errors.js`, `transformErr`; documented under
 * "Error Objects" in the node-oracledb API manual).
 */
export interface OracleDriverError {
  errorNum?: number;
  code?: string;
  message?: string;
}

/**
 * Oracle errors meaning a position (an SCN) can no longer be served: the undo that held the versions
 * between it and now is gone, or the table changed shape under a flashback query.
 * - ORA-01555 snapshot too old (undo overwritten, `UNDO_RETENTION` too small for the gap)
 * - ORA-08181 specified number is not a valid system change number
 * - ORA-30052 invalid lower limit snapshot expression (lower bound below the undo retention)
 * - ORA-01466 unable to read data - table definition has changed (DDL since the SCN)
 */
export const EXPIRED_ORACLE_ERRORS: ReadonlyMap<number, string> = new Map([
  [1555, 'the undo holding changes since the cursor was overwritten (snapshot too old)'],
  [8181, 'the cursor SCN is not a valid system change number any more'],
  [30052, 'the cursor SCN is older than the undo retention allows a flashback query to reach'],
  [1466, 'the table definition changed since the cursor SCN'],
]);

/** The Oracle error number of `err` (`errorNum`, or the digits of `code` / the message's `ORA-nnnnn`). */
export function oracleErrorNumber(err: unknown): number | undefined {
  const e = err as OracleDriverError | undefined;
  if (typeof e?.errorNum === 'number') return e.errorNum;
  const m = /ORA-(\d{5})/.exec(e?.code ?? e?.message ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * `FERRY_CURSOR_EXPIRED` for an error that says the position cannot be served (see
 * {@link EXPIRED_ORACLE_ERRORS}), so the runner resnapshots or fails per `onInvalidCursor`; `err` itself
 * otherwise.
 */
export function mapOracleError(err: unknown, table: string, scn?: string): unknown {
  const num = oracleErrorNumber(err);
  const why = num === undefined ? undefined : EXPIRED_ORACLE_ERRORS.get(num);
  if (!why) return err;
  return new FerryError(
    'FERRY_CURSOR_EXPIRED',
    `${table}: ${why} (ORA-${String(num).padStart(5, '0')}); resnapshot, and raise UNDO_RETENTION (or poll more often) so the cursor stays within reach`,
    { cause: err, details: { table, oracleError: num, ...(scn === undefined ? {} : { scn }) } },
  );
}
