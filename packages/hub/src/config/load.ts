// Reading and validating the configuration: YAML text → environment overrides → zod schema, with messages
// that name the exact key (and the file line or environment variable it came from).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FerryError } from '@ferry/sdk';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { applyEnvOverrides, envVariableFor } from './env.js';
import { type HubConfig, hubConfigSchema } from './schema.js';

/** Where a configuration came from, for messages and for resolving relative paths. */
export interface ConfigSource {
  /** The file it was read from, if any. */
  file?: string;
  /** Folder relative paths in the configuration are resolved against. Default: the file's folder, else the working directory. */
  baseDir?: string;
  /** Environment for FERRY_HUB_* overrides. Default: none (pass `process.env` to apply them). */
  env?: NodeJS.ProcessEnv;
}

/** A validated configuration and the folder its relative paths refer to. */
export interface LoadedHubConfig {
  config: HubConfig;
  baseDir: string;
}

/**
 * Validates a configuration object (as parsed from YAML, or written in code), applying FERRY_HUB_* overrides
 * from `source.env`. Throws `FERRY_CONFIG_INVALID` naming the first bad key; `details.issues` lists all.
 *
 * @example
 * ```ts
 * const { config } = parseHubConfig({ identity: { certificate: 'hub.crt', privateKey: 'hub.key' }, trust: { ca: 'ca.crt' } });
 * ```
 */
export function parseHubConfig(
  raw: unknown,
  source: ConfigSource = {},
  lines?: (field: string) => number | undefined,
): LoadedHubConfig {
  const where = source.file ?? 'hub configuration';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `${where}: the configuration must be a mapping of keys to values`,
      {
        location: source.file ? { file: source.file } : {},
      },
    );
  }
  const env = source.env ?? {};
  const withEnv = applyEnvOverrides(raw as Record<string, unknown>, env);
  const result = hubConfigSchema.safeParse(withEnv);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => describeIssue(issue, env));
    const first = issues[0]!;
    const line = first.env ? undefined : lines?.(first.field);
    const origin = first.env ? ` (set by ${first.env})` : line ? ` (line ${line})` : '';
    throw new FerryError('FERRY_CONFIG_INVALID', `${where}: "${first.field}" ${first.message}${origin}`, {
      location: {
        ...(source.file ? { file: source.file } : {}),
        field: first.field,
        ...(line ? { line } : {}),
      },
      details: { issues },
    });
  }
  const baseDir = source.baseDir ?? (source.file ? dirname(resolve(source.file)) : process.cwd());
  return { config: result.data, baseDir };
}

/**
 * Reads a YAML configuration file and validates it (see {@link parseHubConfig}).
 *
 * @example
 * ```ts
 * const { config, baseDir } = await loadHubConfigFile('hub.yaml', { env: process.env });
 * ```
 */
export async function loadHubConfigFile(
  file: string,
  options: Omit<ConfigSource, 'file'> = {},
): Promise<LoadedHubConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new FerryError('FERRY_CONFIG_INVALID', `Cannot read the hub configuration file ${file}`, {
      cause,
      location: { file },
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    throw new FerryError('FERRY_CONFIG_INVALID', `${file}: not valid YAML: ${error.message.split('\n')[0]}`, {
      location: { file, ...(line ? { line } : {}) },
    });
  }
  const lineOf = (field: string): number | undefined => {
    const path = field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(
        path.slice(0, n).map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        true,
      ) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const raw = isMap(doc.contents) || doc.contents === null ? (doc.toJS() ?? {}) : doc.toJS();
  return parseHubConfig(raw, { ...options, file }, lineOf);
}

function describeIssue(
  issue: z.core.$ZodIssue,
  env: NodeJS.ProcessEnv,
): { field: string; message: string; env?: string } {
  let field = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    field = [field, issue.keys[0]].filter(Boolean).join('.');
    message = 'is not a known key';
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    message = 'is required';
  }
  const variable = envVariableFor(field, env);
  return { field, message, ...(variable ? { env: variable } : {}) };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    '',
  );
}
