// Validation of untrusted catalog input: every problem at once, each with its field and two languages.
import { FerryError } from '../errors/index.js';
import type { CatalogIssue } from './issue.js';
import type { CatalogEntry } from './model.js';
import { crossFieldIssues } from './rules.js';
import { catalogEntrySchema } from './schema.js';
import { fromZodIssue } from './zod-issues.js';

/** The outcome of {@link checkCatalogEntry}. */
export type CatalogCheckResult = { ok: true; entry: CatalogEntry } | { ok: false; issues: CatalogIssue[] };

// Issues are reported in the order the fields appear in an entry, then by array index.
const FIELD_ORDER = Object.keys(catalogEntrySchema.shape);

function sortKey(path: string): [number, number] {
  const head = /^([A-Za-z]+)(?:\[(\d+)\])?/.exec(path);
  const rank = head?.[1] === undefined ? -1 : FIELD_ORDER.indexOf(head[1]);
  return [rank < 0 ? (path === '' ? -1 : FIELD_ORDER.length) : rank, Number(head?.[2] ?? -1)];
}

function ordered(issues: CatalogIssue[]): CatalogIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const id = `${issue.path}\u0000${issue.messageEn}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return unique
    .map((issue, i) => ({ issue, i, key: sortKey(issue.path) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.i - b.i)
    .map(({ issue }) => issue);
}

/**
 * Checks `input` against every catalog rule and returns either the typed entry or all the problems found,
 * without throwing. Use it to show a form's errors; use {@link validateCatalogEntry} at an API boundary.
 *
 * @example
 * ```ts
 * const result = checkCatalogEntry(JSON.parse(body));
 * if (!result.ok) {
 *   for (const issue of result.issues) console.log(issue.path, issue.messageZh);
 * }
 * ```
 */
export function checkCatalogEntry(input: unknown): CatalogCheckResult {
  const parsed = catalogEntrySchema.safeParse(input, { reportInput: true });
  const issues = ordered([
    ...(parsed.success ? [] : parsed.error.issues.flatMap(fromZodIssue)),
    ...crossFieldIssues(input),
  ]);
  if (parsed.success && issues.length === 0) return { ok: true, entry: parsed.data };
  return { ok: false, issues };
}

/**
 * Returns `input` as a {@link CatalogEntry} when it satisfies every catalog rule; otherwise throws
 * `FerryError('FERRY_CATALOG_INVALID')` whose `details.issues` lists every problem (`{ path, messageZh,
 * messageEn }`) and whose `location.field` is the path of the first one.
 *
 * @example
 * ```ts
 * try {
 *   const entry = validateCatalogEntry(input);
 * } catch (err) {
 *   if (isFerryError(err, 'FERRY_CATALOG_INVALID')) {
 *     console.log(err.location?.field);  // e.g. 'dataItems[3].length'
 *     console.log(err.details?.issues);  // every problem, in Chinese and English
 *   }
 * }
 * ```
 */
export function validateCatalogEntry(input: unknown): CatalogEntry {
  const result = checkCatalogEntry(input);
  if (result.ok) return result.entry;
  const { issues } = result;
  const [first] = issues as [CatalogIssue, ...CatalogIssue[]];
  const shown = issues
    .slice(0, 3)
    .map((issue) => issue.messageEn)
    .join('; ');
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : '';
  throw new FerryError(
    'FERRY_CATALOG_INVALID',
    `Catalog entry has ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${shown}${more}`,
    { location: { field: first.path }, details: { issues } },
  );
}
