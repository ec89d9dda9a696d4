// What every part of the hub suite shares: the running hub of the current database and the test PKI.
import type { Identity } from '@ferry/sdk';
import { expect } from 'vitest';
import { type Answer, call } from '../support/http.js';
import { testPki } from '../support/pki.js';
import type { DatabaseCase, TestHub } from '../support/test-hub.js';

export interface SuiteContext {
  database: DatabaseCase;
  /** The hub of this run (set in beforeAll). */
  hub(): TestHub;
}

/** Signed request helper bound to the hub of a suite. */
export function api(ctx: SuiteContext) {
  return (
    as: Identity | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => call(ctx.hub().url, as, method, path, body, headers);
}

/** Asserts a typed error answer: status, `code`, and a message; never a 5xx. */
export function expectError(answer: Answer, status: number, code: string): void {
  expect(answer.status, `${code}: ${answer.bytes.toString('utf8')}`).toBe(status);
  expect(answer.json).toMatchObject({ code, message: expect.any(String) });
}

export const pki = testPki;
