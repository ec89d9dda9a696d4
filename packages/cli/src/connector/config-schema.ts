// The connector daemon's configuration file, as one zod schema: every key, its default and the message a
// wrong value gets. Messages are written to follow the key path (`tables[2].strategy.column: required for
// strategy "timestamp"`), so they read as one sentence.
import { isResourceCode } from '@ferry/sdk';
import { z } from 'zod';

/** `required for …` when the value is missing, `otherwise` when it has the wrong type. */
function requiredFor(what: string, otherwise: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? `required for ${what}` : otherwise);
}

const identifier = z.string().min(1, 'must be a non-empty column name');
const seconds = (max: number) =>
  z.number('must be a number of seconds').min(0, 'must not be negative').max(max, `must be at most ${max}`);
const envName = z
  .string('must be the name of an environment variable')
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be the name of an environment variable, e.g. FERRY_KEY_PASSPHRASE',
  );
/** A file path (relative to the configuration file) or PEM text. */
const pemSource = z.string('must be a file path or PEM text').min(1, 'must be a file path or PEM text');

const incrementing = z.strictObject({
  kind: z.literal('incrementing'),
  /** The increasing column; the (single-column) key by default. */
  column: identifier.optional(),
  /** How long an id missing below the highest one read is looked for again. Default 300. */
  graceSeconds: seconds(86_400).optional(),
});

const timestamp = z.strictObject({
  kind: z.literal('timestamp'),
  /** The column every insert and update sets. */
  column: z.string({ error: requiredFor('strategy "timestamp"', 'must be a column name') }).min(1),
  /** Rows are read once at least this far behind the database clock. Default 5. */
  lagSeconds: seconds(3_600).optional(),
});

const changelog = z.strictObject({
  kind: z.literal('changelog'),
  /** The log table; `<table>_ferry_log` by default. */
  logTable: identifier.optional(),
  /** Create the log table and triggers when missing (needs CREATE and TRIGGER). Default false. */
  install: z.boolean('must be true or false').optional(),
  /** How long a missing log id is looked for again. Default 300. */
  graceSeconds: seconds(86_400).optional(),
  /** Delete log entries already read and older than this many days; 0 never deletes. Default 7. */
  retentionDays: z.number('must be a number of days').min(0, 'must not be negative').optional(),
});

const diff = z.strictObject({
  kind: z.literal('diff'),
  /** Directory of the diff state files; `<storageDir>/diff-state` by default. */
  stateDir: z.string().min(1).optional(),
});

/** The capture strategies every SQL connector has, by `kind`. */
export const STRATEGY_KINDS = ['incrementing', 'timestamp', 'changelog', 'diff'] as const;

const builtinStrategy = z.discriminatedUnion('kind', [incrementing, timestamp, changelog, diff]);

/** One of the strategies every SQL connector has. */
export type BuiltinStrategy = z.output<typeof builtinStrategy>;
/**
 * A strategy of the connector's own (Oracle `flashback`, `rowscn`; SQL Server `change-tracking`, `cdc`,
 * `rowversion`): passed to the connector as written, durations `…Seconds` turned into `…Ms`. Accepted only
 * for sources whose connector package offers native strategies; the connector validates it.
 */
export type ConnectorStrategy = { kind: string } & Record<string, unknown>;

/** True for the strategies the configuration validates itself. */
export function isBuiltinStrategy(s: BuiltinStrategy | ConnectorStrategy): s is BuiltinStrategy {
  return (STRATEGY_KINDS as readonly string[]).includes(s.kind);
}

// A discriminated union cannot have a default branch: known kinds are checked strictly (their issues keep
// their paths), any other kind is kept for the top-level check, which knows the source kind.
const strategy = z.unknown().transform((value, ctx): BuiltinStrategy | ConnectorStrategy => {
  const kind = (value as { kind?: unknown } | null | undefined)?.kind;
  if (typeof kind === 'string' && kind !== '' && !(STRATEGY_KINDS as readonly string[]).includes(kind)) {
    return { ...(value as Record<string, unknown>), kind };
  }
  const result = builtinStrategy.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: value } as never);
  return z.NEVER;
});

const table = z
  .strictObject({
    /** `schema.table` or `table` (the connection's default schema). */
    table: z.string('required: the source table, e.g. public.licence').min(1, 'must not be empty'),
    /** Catalog resource code (信息资源代码) the changes are sent as. */
    resource: z
      .string('required: the catalog resource code, e.g. 101001/000001')
      .refine(isResourceCode, 'must be a resource code such as 101001/000001'),
    strategy: strategy,
    /** Key columns; the primary key by default. */
    key: z.array(identifier).min(1, 'must list at least one column').optional(),
    /** Only these columns (the key is always captured). */
    include: z.array(identifier).min(1, 'must list at least one column').optional(),
    /** All columns but these. */
    exclude: z.array(identifier).optional(),
  })
  .superRefine((t, ctx) => {
    const key = t.key ?? [];
    for (const [i, column] of (t.exclude ?? []).entries()) {
      if (key.includes(column))
        ctx.addIssue({ code: 'custom', path: ['exclude', i], message: `"${column}" is a key column` });
    }
  });

const poolSchema = z.strictObject({
  min: z.number().int().min(0).optional(),
  max: z.number().int().min(1).max(100).optional(),
});

/** A connection: a URL, or driver options (`host`, `port`, `user`, `password`, `database`, `ssl`…). */
const connection = z.union(
  [
    z.string().regex(/^[a-z][a-z0-9+.-]*:\/\//i, 'must be a URL such as postgres://user@host:5432/db'),
    z.record(z.string(), z.unknown()),
  ],
  { error: 'must be a URL or a mapping of connection options (host, port, user, password, database…)' },
);

const sqlSource = <K extends 'postgres' | 'mysql'>(kind: K) =>
  z.strictObject({
    kind: z.literal(kind),
    connection: connection,
    /** Session time zone, e.g. `Asia/Shanghai` (PostgreSQL) or `+08:00` (MySQL). */
    timeZone: z.string().min(1).optional(),
    pool: poolSchema.optional(),
  });

/** PostgreSQL-wire: also whether snapshots are read with `COPY (query) TO STDOUT` (default true). */
const postgresSource = sqlSource('postgres').extend({ copy: z.boolean().optional() });

/** Vendor databases served by connector packages of their own, not bundled with the CLI; they offer native strategies. */
export const RESERVED_SOURCE_KINDS = {
  oracle: '@ferry/connector-oracle',
  mssql: '@ferry/connector-mssql',
} as const;

const reservedSource = (kind: keyof typeof RESERVED_SOURCE_KINDS) =>
  z.looseObject({
    kind: z.literal(kind),
    connection: connection,
    timeZone: z.string().min(1).optional(),
    pool: poolSchema.optional(),
  });

const fileResource = z.looseObject({
  /** A glob (`人口_*.csv`) or, between slashes, a regular expression; by default the format's extensions. */
  files: z.string().min(1).optional(),
});

const fileSource = z.strictObject({
  kind: z.literal('file'),
  /** The drop folder. */
  dir: z.string('required for source.kind "file": the drop folder').min(1),
  /** One entry per resource, as docs/connectors/file.md describes, plus `files`. */
  resources: z.array(fileResource).min(1, 'must list at least one resource'),
  /** A file is complete once unchanged this long. Default 5. */
  stableSeconds: seconds(3_600).optional(),
  /** A file is complete once `<file><marker>` exists, e.g. `.ok`. */
  marker: z.string().min(1).optional(),
  /** Processing order. Default name. */
  order: z.enum(['name', 'mtime']).optional(),
  stateDir: z.string().min(1).optional(),
  processedDir: z.string().min(1).optional(),
  quarantineDir: z.string().min(1).optional(),
});

/** Source kinds the configuration accepts. */
export const SOURCE_KINDS = ['postgres', 'mysql', 'file', 'oracle', 'mssql'] as const;

const source = z.discriminatedUnion('kind', [
  postgresSource,
  sqlSource('mysql'),
  fileSource,
  reservedSource('oracle'),
  reservedSource('mssql'),
]);

const identity = z.union(
  [
    z.strictObject({
      certificate: pemSource,
      privateKey: pemSource,
      /** Environment variable holding the passphrase of an encrypted key. */
      passphraseEnv: envName.optional(),
    }),
    z.strictObject({
      pkcs12: z.string().min(1),
      /** Environment variable holding the PKCS#12 password. */
      passwordEnv: envName,
    }),
  ],
  { error: 'must be { certificate, privateKey, passphraseEnv? } or { pkcs12, passwordEnv }' },
);

const schedule = z.union(
  [
    z.strictObject({ intervalSeconds: z.number().min(0.1, 'must be at least 0.1').max(86_400) }),
    z.strictObject({
      continuous: z.literal(true),
      /** Pause after a poll that found nothing. Default 0.5. */
      idleSeconds: seconds(60).optional(),
    }),
  ],
  { error: 'must be { intervalSeconds: n } or { continuous: true }' },
);

/** The whole configuration file of `ferry connector run`. */
export const connectorConfigSchema = z
  .strictObject({
    hub: z.strictObject({
      /** The hub's base URL. */
      url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
      identity: identity,
      /** The platform CA certificate(s): a path or PEM text. */
      ca: pemSource,
    }),
    /** Outbox, cursors and diff state; must survive restarts. */
    storageDir: z.string('required: a directory that survives restarts, e.g. /var/lib/ferry').min(1),
    source: source,
    tables: z.array(table).optional(),
    schedule: schedule.default({ intervalSeconds: 5 }),
    snapshot: z
      .strictObject({
        /** Rows per snapshot chunk, and most changes per incremental batch. Default 1000. */
        chunkSize: z.number().int().min(1).max(1_000_000).default(1000),
      })
      .prefault({}),
    onInvalidCursor: z.enum(['fail', 'resnapshot']).default('fail'),
    http: z
      .union([
        z.literal(false),
        z.strictObject({
          host: z.string().min(1).default('127.0.0.1'),
          port: z.number().int().min(0).max(65_535).default(9480),
        }),
      ])
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        format: z.enum(['json', 'pretty']).default('json'),
        /** Seconds between heartbeat lines while idle; 0 for none. Default 60. */
        heartbeatSeconds: seconds(86_400).default(60),
      })
      .prefault({}),
    health: z
      .strictObject({
        /** Unhealthy when no capture succeeded for this long. Default: 3 × the interval, at least 60. */
        captureStaleSeconds: z.number().min(1).optional(),
        /** Unhealthy when the oldest batch waiting for the hub is older than this. Default 300. */
        deliveryStaleSeconds: z.number().min(1).default(300),
      })
      .prefault({}),
    outbox: z
      .strictObject({
        /** Disk the waiting batches may use before capture pauses. Default 1024. */
        maxMiB: z.number().int().min(1).default(1024),
      })
      .prefault({}),
  })
  .superRefine(
    (c, ctx) => {
      // Runs even when other keys failed (see `when`), so every problem is reported at once: guard shapes.
      const kind = (c.source as { kind?: unknown } | undefined)?.kind;
      const tables = Array.isArray(c.tables) ? (c.tables as unknown[]) : undefined;
      if (kind === 'file') {
        if (tables && tables.length > 0)
          ctx.addIssue({
            code: 'custom',
            path: ['tables'],
            message: 'is not used with source.kind "file": list the exports under source.resources',
          });
        return;
      }
      if (c.tables === undefined || (tables && tables.length === 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tables'],
          message: 'required: at least one table to capture',
        });
        return;
      }
      const native = typeof kind === 'string' && kind in RESERVED_SOURCE_KINDS;
      const first = new Map<string, number>();
      (tables ?? []).forEach((t, i) => {
        const entry = t as { resource?: unknown; strategy?: { kind?: unknown } } | undefined;
        const strategyKind = entry?.strategy?.kind;
        if (
          typeof strategyKind === 'string' &&
          !(STRATEGY_KINDS as readonly string[]).includes(strategyKind) &&
          !native
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['tables', i, 'strategy', 'kind'],
            message: `must be one of ${STRATEGY_KINDS.join(', ')}, not "${strategyKind}"`,
          });
        }
        if (typeof entry?.resource !== 'string') return;
        const seen = first.get(entry.resource);
        if (seen === undefined) first.set(entry.resource, i);
        else
          ctx.addIssue({
            code: 'custom',
            path: ['tables', i, 'resource'],
            message: `${entry.resource} is already sent by tables[${seen}]; each resource has one cursor`,
          });
      });
    },
    { when: () => true },
  );

/** A validated configuration, defaults filled in, paths not yet resolved. */
export type ConnectorConfig = z.output<typeof connectorConfigSchema>;
/** One entry of `tables`. */
export type TableEntry = NonNullable<ConnectorConfig['tables']>[number];
/** The `source` section. */
export type SourceSection = ConnectorConfig['source'];
/** The `source` section of a file drop. */
export type FileSourceSection = Extract<SourceSection, { kind: 'file' }>;
/** The `source` section of a SQL database. */
export type SqlSourceSection = Exclude<SourceSection, { kind: 'file' }>;
