// Platform roles come from the configuration, not from certificates: which departments administer the hub
// and which review catalog entries and applications (审核方).
import type { FastifyRequest } from 'fastify';
import { fail } from '../http/errors.js';
import { callerOf } from './authenticate.js';

/** A platform role. */
export type Role = 'admin' | 'reviewer';

/** Department codes holding each role. */
export class Roles {
  readonly #admins: ReadonlySet<string>;
  readonly #reviewers: ReadonlySet<string>;

  constructor(config: { admins: readonly string[]; reviewers: readonly string[] }) {
    this.#admins = new Set(config.admins);
    this.#reviewers = new Set(config.reviewers);
  }

  has(department: string, role: Role): boolean {
    return (role === 'admin' ? this.#admins : this.#reviewers).has(department);
  }

  /** True for admins and reviewers: they see everything (catalog drafts, all applications, the audit log). */
  isPrivileged(department: string): boolean {
    return this.#admins.has(department) || this.#reviewers.has(department);
  }

  /** The caller's department code; throws FERRY_FORBIDDEN unless it holds one of `roles`. */
  require(request: FastifyRequest, ...roles: Role[]): string {
    const dept = callerOf(request).departmentCode;
    if (!roles.some((role) => this.has(dept, role))) {
      throw fail(
        'FERRY_FORBIDDEN',
        `Department ${dept} is not ${roles.map((r) => (r === 'admin' ? 'an admin' : 'a reviewer')).join(' or ')} of this hub`,
      );
    }
    return dept;
  }
}
