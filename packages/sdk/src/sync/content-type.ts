import { CHANGES_CONTENT_TYPE } from '../changes/index.js';

/** Snapshot framing travels as a parameter of the content type, inside the signed header. */
export type SnapshotPhase = 'begin' | 'continue' | 'end';

export function changesContentType(snapshot?: SnapshotPhase | null): string {
  return snapshot ? `${CHANGES_CONTENT_TYPE};snapshot=${snapshot}` : CHANGES_CONTENT_TYPE;
}

/** Splits a changes content type into its snapshot phase; undefined when it is not a changes type. */
export function parseChangesContentType(type: string): { snapshot: SnapshotPhase | null } | undefined {
  const [base, ...params] = type.split(';').map((p) => p.trim());
  if (base !== CHANGES_CONTENT_TYPE) return undefined;
  let snapshot: SnapshotPhase | null = null;
  for (const p of params) {
    const m = /^snapshot=(begin|continue|end)$/.exec(p);
    if (!m) return undefined;
    snapshot = m[1] as SnapshotPhase;
  }
  return { snapshot };
}
