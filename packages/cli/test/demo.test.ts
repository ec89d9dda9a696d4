import { describe, expect, it } from 'vitest';
import { ferry } from './run.js';

describe('ferry demo', () => {
  it('runs both suites to completion and exits 0', async () => {
    const result = await ferry(['demo', '--stream-mib', '2', '--rows', '300']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('INTL suite');
    expect(result.stdout).toContain('GM suite');
    expect(result.stdout.match(/refused: FERRY_REPLAY/g)).toHaveLength(2);
    expect(result.stdout.match(/refused: FERRY_ENVELOPE_TAMPERED/g)).toHaveLength(2);
    expect(result.stdout).toContain('SHA-256 identical');
    // The platform loop: catalog review, send through the outbox, pull as the consumer, 不予共享 refused.
    expect(result.stdout.match(/pulled 300 rows after its checkpoint/g)).toHaveLength(2);
    expect(result.stdout.match(/\(不予共享\): FERRY_SHARE_DENIED/g)).toHaveLength(2);
    expect(result.stdout).toMatch(/All 24 steps passed/);
    expect(result.stdout).not.toContain('FAIL');
  }, 120_000);
});
