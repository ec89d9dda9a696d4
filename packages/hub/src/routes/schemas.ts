// JSON Schemas shared by the routes (fastify validates with them; docs/hub-openapi.yaml describes the same).
import { RESOURCE_CODE_PATTERN } from '@ferry/sdk';
import { DEPARTMENT_CODE_PATTERN } from '../config/schema.js';

/** `:code` of a resource (URL-encoded in the path: `101001%2F000001`). */
export const resourceCodeParam = { type: 'string', pattern: RESOURCE_CODE_PATTERN.source } as const;

/** `:code` of a department. */
export const departmentCodeParam = { type: 'string', pattern: DEPARTMENT_CODE_PATTERN.source } as const;

/** A version number in a path. */
export const versionParam = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;

/** A cursor: a change-log position, decimal digits. */
export const cursorParam = { type: 'string', pattern: '^\\d{1,15}$' } as const;

/** The body of a reviewer's decision (on a catalog entry version or a data-sharing application). */
export const reviewDecisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { enum: ['approve', 'reject'] },
    comment: { type: 'string', maxLength: 2000 },
  },
} as const;
