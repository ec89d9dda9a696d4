// The catalog lifecycle: who may move a version where, and how revisions keep the published version readable.
import { describe, expect, it } from 'vitest';
import {
  applyCatalogAction,
  CATALOG_STATUSES,
  CATALOG_TRANSITIONS,
  type CatalogAction,
  type CatalogVersionState,
  nextStatus,
  publishedVersion,
} from '../../src/catalog/index.js';
import { type FerryError, isFerryError } from '../../src/errors/index.js';

function transitionError(run: () => unknown): FerryError {
  try {
    run();
  } catch (err) {
    if (isFerryError(err, 'FERRY_CATALOG_TRANSITION')) return err;
    throw err;
  }
  throw new Error('expected FERRY_CATALOG_TRANSITION');
}

describe('nextStatus', () => {
  it('walks draft → submitted → approved → published', () => {
    expect(nextStatus('draft', 'submit', 'provider')).toBe('submitted');
    expect(nextStatus('submitted', 'approve', 'reviewer')).toBe('approved');
    expect(nextStatus('approved', 'publish', 'reviewer')).toBe('published');
    expect(nextStatus('published', 'withdraw', 'provider')).toBe('withdrawn');
  });

  it('sends a rejected version back to draft when the provider revises it', () => {
    expect(nextStatus('submitted', 'reject', 'reviewer')).toBe('rejected');
    expect(nextStatus('rejected', 'revise', 'provider')).toBe('draft');
    expect(nextStatus('draft', 'submit', 'provider')).toBe('submitted');
  });

  it('lets only a reviewer approve, reject or publish', () => {
    for (const [from, action] of [
      ['submitted', 'approve'],
      ['submitted', 'reject'],
      ['approved', 'publish'],
    ] as const) {
      const err = transitionError(() => nextStatus(from, action, 'provider'));
      expect(err.message).toBe(
        `Only the reviewer may ${action} a catalog entry version; the actor is the provider`,
      );
      expect(err.details).toMatchObject({ from, action, role: 'provider' });
      expect(err.details?.messageZh).toContain('只有审核方可以');
    }
  });

  it('lets only the provider submit, revise and withdraw', () => {
    for (const [from, action] of [
      ['draft', 'submit'],
      ['rejected', 'revise'],
      ['published', 'withdraw'],
    ] as const) {
      const err = transitionError(() => nextStatus(from, action, 'reviewer'));
      expect(err.message).toContain(`Only the provider may ${action}`);
    }
  });

  it('refuses moves that skip review or leave a final state, saying what is allowed', () => {
    const skip = transitionError(() => nextStatus('draft', 'publish', 'reviewer'));
    expect(skip.message).toBe(
      'Cannot publish a catalog entry version that is draft; publish applies to approved',
    );
    expect(skip.details?.messageZh).toBe('当前状态为“草稿”，不能发布；发布只适用于：审核通过');

    const fromSubmitted = transitionError(() => nextStatus('submitted', 'submit', 'provider'));
    expect(fromSubmitted.message).toContain('From submitted the provider may: withdraw');
    expect(fromSubmitted.details?.allowed).toEqual(['withdraw']);

    for (const final of ['withdrawn', 'superseded'] as const) {
      for (const action of [
        'submit',
        'approve',
        'reject',
        'publish',
        'withdraw',
        'revise',
      ] as CatalogAction[]) {
        transitionError(() => nextStatus(final, action, 'provider'));
        transitionError(() => nextStatus(final, action, 'reviewer'));
      }
    }
  });

  it('has a transition table over known states only, one move per state and action', () => {
    const seen = new Set<string>();
    for (const t of CATALOG_TRANSITIONS) {
      expect(CATALOG_STATUSES).toContain(t.from);
      expect(CATALOG_STATUSES).toContain(t.to);
      const id = `${t.from}:${t.action}`;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      expect(t.role).toBe(['approve', 'reject', 'publish'].includes(t.action) ? 'reviewer' : 'provider');
    }
  });
});

describe('applyCatalogAction', () => {
  const run = (versions: CatalogVersionState[], steps: [number, CatalogAction, 'provider' | 'reviewer'][]) =>
    steps.reduce((acc, [v, action, role]) => applyCatalogAction(acc, v, action, role), versions);

  it('keeps the published version readable while its revision is reviewed, then supersedes it', () => {
    let versions: CatalogVersionState[] = run(
      [{ version: 1, status: 'draft' }],
      [
        [1, 'submit', 'provider'],
        [1, 'approve', 'reviewer'],
        [1, 'publish', 'reviewer'],
      ],
    );
    expect(versions).toEqual([{ version: 1, status: 'published' }]);

    versions = applyCatalogAction(versions, 1, 'revise', 'provider');
    expect(versions).toEqual([
      { version: 1, status: 'published' },
      { version: 2, status: 'draft' },
    ]);
    for (const [action, role] of [
      ['submit', 'provider'],
      ['approve', 'reviewer'],
    ] as const) {
      versions = applyCatalogAction(versions, 2, action, role);
      expect(publishedVersion(versions)).toEqual({ version: 1, status: 'published' });
    }
    versions = applyCatalogAction(versions, 2, 'publish', 'reviewer');
    expect(versions).toEqual([
      { version: 1, status: 'superseded' },
      { version: 2, status: 'published' },
    ]);
    expect(publishedVersion(versions)?.version).toBe(2);

    versions = applyCatalogAction(versions, 2, 'withdraw', 'provider');
    expect(publishedVersion(versions)).toBeUndefined();
  });

  it('allows one open revision at a time', () => {
    const versions = run(
      [{ version: 1, status: 'published' }],
      [
        [1, 'revise', 'provider'],
        [2, 'submit', 'provider'],
        [2, 'reject', 'reviewer'],
      ],
    );
    const err = transitionError(() => applyCatalogAction(versions, 1, 'revise', 'provider'));
    expect(err.message).toContain('Version 2 of this catalog entry is already being revised (rejected)');
    // Revising the rejected version itself is the way forward; withdrawing it frees the slot.
    expect(applyCatalogAction(versions, 2, 'revise', 'provider')).toContainEqual({
      version: 2,
      status: 'draft',
    });
    const freed = applyCatalogAction(versions, 2, 'withdraw', 'provider');
    expect(applyCatalogAction(freed, 1, 'revise', 'provider').at(-1)).toEqual({
      version: 3,
      status: 'draft',
    });
  });

  it('does not publish a version older than the published one', () => {
    const versions: CatalogVersionState[] = [
      { version: 1, status: 'approved' },
      { version: 2, status: 'published' },
    ];
    const err = transitionError(() => applyCatalogAction(versions, 1, 'publish', 'reviewer'));
    expect(err.details).toMatchObject({ publishedVersion: 2 });
  });

  it('refuses an unknown version and leaves its input alone', () => {
    const versions: CatalogVersionState[] = [{ version: 1, status: 'draft' }];
    try {
      applyCatalogAction(versions, 2, 'submit', 'provider');
      expect.unreachable();
    } catch (err) {
      expect(isFerryError(err, 'FERRY_INVALID_ARGUMENT')).toBe(true);
    }
    applyCatalogAction(versions, 1, 'submit', 'provider');
    expect(versions).toEqual([{ version: 1, status: 'draft' }]);
  });
});
