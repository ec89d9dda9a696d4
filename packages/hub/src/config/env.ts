// Environment overrides: a fixed list of FERRY_HUB_* variables, each mapped to one configuration key, so a
// container can change a port or a database URL without editing the YAML file.
import { FerryError } from '@ferry/sdk';

type Kind = 'string' | 'integer' | 'list' | 'boolean';

/** Every supported variable: the configuration key it sets and how its text is read. */
export const ENV_OVERRIDES: Readonly<Record<string, { key: string; kind: Kind }>> = {
  FERRY_HUB_HOST: { key: 'server.host', kind: 'string' },
  FERRY_HUB_PORT: { key: 'server.port', kind: 'integer' },
  FERRY_HUB_TRUST_PROXY: { key: 'server.trustProxy', kind: 'boolean' },
  FERRY_HUB_DATABASE_URL: { key: 'database.url', kind: 'string' },
  FERRY_HUB_DATABASE_SCHEMA: { key: 'database.schema', kind: 'string' },
  FERRY_HUB_SQLITE: { key: 'database.sqlite', kind: 'string' },
  FERRY_HUB_KEY_PASSPHRASE: { key: 'identity.passphrase', kind: 'string' },
  FERRY_HUB_ADMINS: { key: 'admins', kind: 'list' },
  FERRY_HUB_REVIEWERS: { key: 'reviewers', kind: 'list' },
  FERRY_HUB_RATE_LIMIT_MAX: { key: 'rateLimit.max', kind: 'integer' },
  FERRY_HUB_LOG_LEVEL: { key: 'log.level', kind: 'string' },
};

/** The environment variable that sets `key`, if any (for error messages). */
export function envVariableFor(key: string, env: NodeJS.ProcessEnv): string | undefined {
  return Object.entries(ENV_OVERRIDES).find(([name, o]) => o.key === key && env[name] !== undefined)?.[0];
}

/**
 * Returns a copy of `raw` with every FERRY_HUB_* variable of `env` applied. An unknown FERRY_HUB_* variable
 * is an error (it is almost always a typo that would otherwise be silently ignored).
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith('FERRY_HUB_') || text === undefined) continue;
    const override = ENV_OVERRIDES[name];
    if (!override) {
      throw new FerryError(
        'FERRY_CONFIG_INVALID',
        `Unknown environment variable ${name}; the hub reads ${Object.keys(ENV_OVERRIDES).join(', ')}`,
        { location: { field: name } },
      );
    }
    setPath(out, override.key, convert(name, override.key, override.kind, text));
  }
  return out;
}

function convert(name: string, key: string, kind: Kind, text: string): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      break;
    case 'integer':
      if (/^\d+$/.test(text.trim())) return Number(text.trim());
      break;
  }
  throw new FerryError(
    'FERRY_CONFIG_INVALID',
    `${name} (${key}) must be ${kind === 'integer' ? 'an integer' : 'true or false'}, not "${text}"`,
    {
      location: { field: name },
    },
  );
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
