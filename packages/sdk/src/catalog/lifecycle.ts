// The lifecycle of one version of a catalog entry, and who may move it.
import { FerryError } from '../errors/index.js';

/**
 * Status of one version of a catalog entry:
 * `draft` 草稿, `submitted` 已提交（待审核）, `approved` 审核通过, `rejected` 审核不通过, `published` 已发布,
 * `superseded` 已被新版本替代, `withdrawn` 已撤销.
 */
export type CatalogStatus =
  | 'draft'
  | 'submitted'
  | 'approved'
  | 'rejected'
  | 'published'
  | 'superseded'
  | 'withdrawn';

/** All {@link CatalogStatus} values. */
export const CATALOG_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'published',
  'superseded',
  'withdrawn',
] as const satisfies readonly CatalogStatus[];

/**
 * What an actor does to a version: the provider `submit`s (提交), `revise`s (修订) and `withdraw`s (撤销);
 * the reviewer `approve`s (审核通过), `reject`s (驳回) and `publish`es (发布).
 */
export type CatalogAction = 'submit' | 'approve' | 'reject' | 'publish' | 'withdraw' | 'revise';

/** Who acts: the providing department (提供方) or the catalog reviewer (审核方, the platform's catalog office). */
export type CatalogActorRole = 'provider' | 'reviewer';

/** One allowed move of the lifecycle. */
export interface CatalogTransition {
  readonly from: CatalogStatus;
  readonly action: CatalogAction;
  readonly to: CatalogStatus;
  readonly role: CatalogActorRole;
}

/**
 * Every allowed move. `revise` of a `published` version leaves it published (readers keep getting it)
 * and opens the next version as a `draft`, which goes through review again; when that version is
 * published this one becomes `superseded` (see `applyCatalogAction`). `superseded` and `withdrawn` are final.
 */
export const CATALOG_TRANSITIONS: readonly CatalogTransition[] = [
  { from: 'draft', action: 'submit', to: 'submitted', role: 'provider' },
  { from: 'draft', action: 'withdraw', to: 'withdrawn', role: 'provider' },
  { from: 'submitted', action: 'approve', to: 'approved', role: 'reviewer' },
  { from: 'submitted', action: 'reject', to: 'rejected', role: 'reviewer' },
  { from: 'submitted', action: 'withdraw', to: 'withdrawn', role: 'provider' },
  { from: 'approved', action: 'publish', to: 'published', role: 'reviewer' },
  { from: 'approved', action: 'withdraw', to: 'withdrawn', role: 'provider' },
  { from: 'rejected', action: 'revise', to: 'draft', role: 'provider' },
  { from: 'rejected', action: 'withdraw', to: 'withdrawn', role: 'provider' },
  { from: 'published', action: 'revise', to: 'published', role: 'provider' },
  { from: 'published', action: 'withdraw', to: 'withdrawn', role: 'provider' },
];

const ACTION_ZH: Record<CatalogAction, string> = {
  submit: '提交',
  approve: '审核通过',
  reject: '驳回',
  publish: '发布',
  withdraw: '撤销',
  revise: '修订',
};

const STATUS_ZH: Record<CatalogStatus, string> = {
  draft: '草稿',
  submitted: '已提交',
  approved: '审核通过',
  rejected: '审核不通过',
  published: '已发布',
  superseded: '已被新版本替代',
  withdrawn: '已撤销',
};

const ROLE_ZH: Record<CatalogActorRole, string> = { provider: '提供方', reviewer: '审核方' };

/**
 * The status a version moves to when `actorRole` performs `action` on it in status `current`.
 * Throws `FerryError('FERRY_CATALOG_TRANSITION')` when the move is not allowed, saying whether the state
 * or the role is wrong; `details` carries `from`, `action`, `role`, `allowed` and a Chinese `messageZh`.
 * Only a reviewer moves a version past `submitted` (approve, reject, publish); the provider submits,
 * revises and withdraws.
 *
 * @example
 * ```ts
 * nextStatus('draft', 'submit', 'provider');      // 'submitted'
 * nextStatus('submitted', 'approve', 'reviewer'); // 'approved'
 * nextStatus('submitted', 'approve', 'provider'); // throws: only a reviewer may approve
 * nextStatus('draft', 'publish', 'reviewer');     // throws: a draft cannot be published
 * ```
 */
export function nextStatus(
  current: CatalogStatus,
  action: CatalogAction,
  actorRole: CatalogActorRole,
): CatalogStatus {
  const fromHere = CATALOG_TRANSITIONS.filter((t) => t.from === current);
  const move = fromHere.find((t) => t.action === action);
  const allowed = fromHere.filter((t) => t.role === actorRole).map((t) => t.action);
  const details = { from: current, action, role: actorRole, allowed };

  if (move === undefined) {
    const byAction = CATALOG_TRANSITIONS.filter((t) => t.action === action).map((t) => t.from);
    const valid = [...new Set(byAction)];
    throw new FerryError(
      'FERRY_CATALOG_TRANSITION',
      `Cannot ${action} a catalog entry version that is ${current}; ${action} applies to ${valid.join(', ')}` +
        (allowed.length > 0 ? `. From ${current} the ${actorRole} may: ${allowed.join(', ')}` : ''),
      {
        details: {
          ...details,
          messageZh: `当前状态为“${STATUS_ZH[current]}”，不能${ACTION_ZH[action]}；${ACTION_ZH[action]}只适用于：${valid
            .map((s) => STATUS_ZH[s])
            .join('、')}`,
        },
      },
    );
  }
  if (move.role !== actorRole) {
    throw new FerryError(
      'FERRY_CATALOG_TRANSITION',
      `Only the ${move.role} may ${action} a catalog entry version; the actor is the ${actorRole}`,
      {
        details: {
          ...details,
          messageZh: `只有${ROLE_ZH[move.role]}可以${ACTION_ZH[action]}目录条目，当前操作者为${ROLE_ZH[actorRole]}`,
        },
      },
    );
  }
  return move.to;
}
