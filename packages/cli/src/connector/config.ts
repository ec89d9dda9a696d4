// Reading the connector configuration: YAML → `${ENV}` interpolation → zod → paths resolved against the
// file's folder. Every problem is reported as `key.path: what is wrong` with the file line.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseResourceConfig } from '@ferry/connector-file';
import { FerryError, isFerryError } from '@ferry/sdk';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type ConnectorConfig, connectorConfigSchema, isBuiltinStrategy } from './config-schema.js';
import { interpolateEnv } from './interpolate.js';

/** A validated configuration with its paths made absolute, and the secrets it holds (to keep out of logs). */
export interface LoadedConnectorConfig {
  config: ConnectorConfig;
  /** The configuration file. */
  file: string;
  /** Folder relative paths were resolved against. */
  baseDir: string;
  /** Secret values interpolated from the environment; blanked out of every log line and error message. */
  secrets: string[];
}

/** One problem in a configuration: the key path and what is wrong. */
export interface ConfigIssue {
  field: string;
  message: string;
  line?: number;
}

/**
 * Reads, interpolates and validates a connector configuration file. Throws `FERRY_CONFIG_INVALID` (exit
 * code 2) listing every problem as `key.path: message`, the first one also in `location` with its line.
 *
 * @example
 * ```ts
 * const { config, secrets } = await loadConnectorConfig('/etc/ferry/licences.yaml', process.env);
 * ```
 */
export async function loadConnectorConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LoadedConnectorConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `The configuration file ${file} ${code === 'ENOENT' ? 'does not exist' : 'cannot be read'}`,
      { cause, location: { file } },
    );
  }
  return parseConnectorConfig(text, file, env);
}

/** Like {@link loadConnectorConfig}, from the text of the file. */
export function parseConnectorConfig(
  text: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): LoadedConnectorConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line;
    throw new FerryError('FERRY_CONFIG_INVALID', `not valid YAML: ${yamlError.message.split('\n')[0]}`, {
      location: { file, ...(line ? { line } : {}) },
    });
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined =>
    keyLine(doc.contents, path, lineCounter);
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FerryError('FERRY_CONFIG_INVALID', 'the configuration must be a mapping of keys to values', {
      location: { file },
    });
  }

  const interpolated = interpolateEnv(raw, env);
  const issues: ConfigIssue[] = interpolated.issues.map((i) => issueAt(i.path, i.message, lineOf));
  const result = connectorConfigSchema.safeParse(interpolated.value);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(describeIssue(issue, interpolated.value, lineOf));
  } else {
    issues.push(...fileResourceIssues(result.data, lineOf));
  }
  if (issues.length > 0 || !result.success) throw configError(file, issues);

  const baseDir = dirname(resolve(file));
  return {
    config: resolvePaths(result.data, baseDir),
    file,
    baseDir,
    secrets: interpolated.secrets,
  };
}

/**
 * The line of the deepest key of `path` present in the document: the key itself when it exists, else its
 * nearest present parent (a missing key is best looked for under its parent's line).
 */
function keyLine(root: unknown, path: readonly PropertyKey[], lines: LineCounter): number | undefined {
  let node = root;
  let line: number | undefined;
  const at = (range: readonly number[] | null | undefined) =>
    range ? lines.linePos(range[0]!).line : undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === part);
      if (!pair) break;
      line = at((pair.key as { range?: number[] } | null)?.range) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as { range?: number[] } | undefined;
      if (!item) break;
      line = at(item.range) ?? line;
      node = item;
    } else break;
  }
  return line;
}

/** `FERRY_CONFIG_INVALID` listing every issue, one per line; the first one's key and line in `location`. */
function configError(file: string, issues: readonly ConfigIssue[]): FerryError {
  const unique = issues.filter(
    (issue, i) => issues.findIndex((o) => o.field === issue.field && o.message === issue.message) === i,
  );
  const [first, ...rest] = unique as [ConfigIssue, ...ConfigIssue[]];
  const line = (i: ConfigIssue) => `${i.field}: ${i.message}`;
  const more = rest.map((i) => `\n  ${line(i)}${i.line ? ` (line ${i.line})` : ''}`).join('');
  return new FerryError('FERRY_CONFIG_INVALID', `${line(first)}${more}`, {
    location: { file, field: first.field, ...(first.line ? { line: first.line } : {}) },
    details: { issues: unique },
  });
}

/** The file connector validates its own resource configurations; its problems are named under `source.resources[i]`. */
function fileResourceIssues(
  config: ConnectorConfig,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): ConfigIssue[] {
  if (config.source.kind !== 'file') return [];
  const issues: ConfigIssue[] = [];
  config.source.resources.forEach((entry, i) => {
    const { files: _files, ...resource } = entry;
    try {
      parseResourceConfig(resource, `source.resources[${i}]`);
    } catch (err) {
      if (!isFerryError(err, 'FERRY_CONFIG_INVALID')) throw err;
      const problems = (err.details?.problems as string[] | undefined) ?? [err.message];
      for (const problem of problems) {
        const colon = problem.indexOf(': ');
        const sub = colon > 0 ? problem.slice(0, colon) : '';
        const path = ['source', 'resources', i, ...pathParts(sub)];
        issues.push(issueAt(path, colon > 0 ? problem.slice(colon + 2) : problem, lineOf));
      }
    }
  });
  return issues;
}

function pathParts(text: string): (string | number)[] {
  if (text === '' || text === '(root)') return [];
  return text
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function issueAt(
  path: readonly PropertyKey[],
  message: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): ConfigIssue {
  const line = lineOf(path);
  return { field: formatPath(path), message, ...(line ? { line } : {}) };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  input: unknown,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): ConfigIssue {
  let path: PropertyKey[] = [...issue.path];
  let message = issue.message;
  const value = valueAt(input, path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    path = [...path, key];
    const guess = closest(key, KNOWN_KEYS);
    message = `is not a known key${guess ? ` (did you mean ${guess}?)` : ''}`;
  } else if (value === undefined && !message.startsWith('required')) {
    message = 'required';
  } else if (issue.code === 'invalid_union' && message.startsWith('Invalid discriminator value')) {
    const options = [...message.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    message = `must be one of ${options.join(', ')}${typeof value === 'string' ? `, not "${value}"` : ''}`;
  } else if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `must be one of ${issue.values.map(String).join(', ')}`;
  } else if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) {
    message = `must be ${article(issue.expected)}`;
  }
  return issueAt(path, message, lineOf);
}

function article(expected: string): string {
  if (expected === 'object') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

// Every key of the schema, to suggest the intended one for a typo (zod's issue does not list them).
const KNOWN_KEYS: readonly string[] = [
  'hub',
  'url',
  'identity',
  'certificate',
  'privateKey',
  'passphraseEnv',
  'pkcs12',
  'passwordEnv',
  'ca',
  'storageDir',
  'source',
  'kind',
  'connection',
  'timeZone',
  'pool',
  'copy',
  'min',
  'max',
  'dir',
  'resources',
  'stableSeconds',
  'marker',
  'order',
  'stateDir',
  'processedDir',
  'quarantineDir',
  'tables',
  'table',
  'resource',
  'strategy',
  'column',
  'graceSeconds',
  'lagSeconds',
  'logTable',
  'install',
  'retentionDays',
  'key',
  'include',
  'exclude',
  'schedule',
  'intervalSeconds',
  'continuous',
  'idleSeconds',
  'snapshot',
  'chunkSize',
  'onInvalidCursor',
  'http',
  'host',
  'port',
  'log',
  'level',
  'format',
  'heartbeatSeconds',
  'health',
  'captureStaleSeconds',
  'deliveryStaleSeconds',
  'outbox',
  'maxMiB',
];

/** The known key within edit distance 2 of `key`, if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** `tables[2].strategy.column`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    '',
  );
}

function isPem(text: string): boolean {
  return text.trimStart().startsWith('-----BEGIN');
}

/** Makes every path of the configuration absolute (inline PEM stays as it is). */
function resolvePaths(config: ConnectorConfig, baseDir: string): ConnectorConfig {
  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const pem = (p: string) => (isPem(p) ? p : path(p));
  const identity = config.hub.identity;
  const storageDir = path(config.storageDir);
  const source = config.source;
  return {
    ...config,
    hub: {
      ...config.hub,
      ca: pem(config.hub.ca),
      identity:
        'pkcs12' in identity
          ? { ...identity, pkcs12: path(identity.pkcs12) }
          : { ...identity, certificate: pem(identity.certificate), privateKey: pem(identity.privateKey) },
    },
    storageDir,
    source:
      source.kind === 'file'
        ? {
            ...source,
            dir: path(source.dir),
            ...(source.stateDir ? { stateDir: path(source.stateDir) } : {}),
            ...(source.processedDir ? { processedDir: path(source.processedDir) } : {}),
            ...(source.quarantineDir ? { quarantineDir: path(source.quarantineDir) } : {}),
          }
        : source,
    ...(config.tables
      ? {
          tables: config.tables.map((t) => {
            const s = t.strategy;
            if (!isBuiltinStrategy(s) || s.kind !== 'diff') return t;
            // The diff state belongs with the outbox, not in whatever directory the daemon was started from.
            return {
              ...t,
              strategy: { ...s, stateDir: s.stateDir ? path(s.stateDir) : join(storageDir, 'diff-state') },
            };
          }),
        }
      : {}),
  };
}
