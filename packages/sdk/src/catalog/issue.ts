// A problem found in a catalog entry, with the exact field and messages in Chinese and English.

/** One problem with a catalog entry. */
export interface CatalogIssue {
  /** Path of the field, e.g. `dataItems[3].length`; `''` for the entry itself. */
  path: string;
  /** Message in Chinese. */
  messageZh: string;
  /** Message in English. */
  messageEn: string;
}

/**
 * Formats path segments the way Ferry reports fields: keys joined by dots, indexes in brackets.
 * `['dataItems', 3, 'length']` becomes `dataItems[3].length`.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
