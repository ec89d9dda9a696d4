import { describe, expect, it } from 'vitest';
import { ferry } from './run.js';

describe('ferry command line', () => {
  it('exits 2 on usage errors and 0 for --help and --version', async () => {
    const unknown = await ferry(['pki', 'init-ca', '--dir', '/tmp/x', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");

    const missing = await ferry(['pki', 'issue']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--ca-dir');

    const badChoice = await ferry(['pki', 'init-ca', '--dir', '/tmp/x', '--algorithm', 'dsa']);
    expect(badChoice.code).toBe(2);

    const badNumber = await ferry(['pki', 'init-ca', '--dir', '/tmp/x', '--days', '-3']);
    expect(badNumber.code).toBe(2);

    const help = await ferry(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('pki');
    expect(help.stdout).toContain('demo');

    const version = await ferry(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses a passphrase variable that is not set', async () => {
    const result = await ferry([
      'pki',
      'init-ca',
      '--dir',
      '/tmp/never-written',
      '--passphrase-env',
      'FERRY_TEST_UNSET',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error FERRY_INVALID_ARGUMENT: --passphrase-env names the environment variable FERRY_TEST_UNSET/m,
    );
  });
});
