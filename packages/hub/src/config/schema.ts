// The hub configuration: one zod schema for the YAML file, environment overrides and objects passed in code.
import { z } from 'zod';
import { defaultOpenWorkers } from '../ingest/open-pool.js';
import { BYTE_SIZE_PATTERN, parseByteSize } from './byte-size.js';

/** A department code as the hub accepts it: 统一社会信用代码 (18 characters) or a 2–12 character department code. */
export const DEPARTMENT_CODE_PATTERN: RegExp =
  /^(?:[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|[0-9A-Z]{2,12})$/;

const departmentCode = z
  .string()
  .regex(
    DEPARTMENT_CODE_PATTERN,
    'must be a 统一社会信用代码 or a 2-12 character department code of digits and capitals',
  );

/** A file path (relative paths are resolved against the configuration file's folder) or inline PEM text. */
const pemSource = z.string().min(1, 'must be a file path or PEM text');

const byteSize = z
  .union([
    z.number().int().positive(),
    z.string().regex(BYTE_SIZE_PATTERN, 'must be a size such as 1048576 or "64 MiB"'),
  ])
  .transform(parseByteSize)
  .pipe(
    z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1, 'must be at most 2 GiB'),
  );

const keyPair = z.strictObject({
  /** PEM certificate (leaf first, then intermediates): a path or the PEM text. */
  certificate: pemSource,
  /** PEM private key (PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1): a path or the PEM text. */
  privateKey: pemSource,
  /** Passphrase of an encrypted private key. Prefer the FERRY_HUB_KEY_PASSPHRASE environment variable. */
  passphrase: z.string().optional(),
});

/** The hub configuration schema (see examples/hub/hub.yaml for every key with comments). */
export const hubConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8480),
      /** Trust X-Forwarded-* from a reverse proxy (client IPs for rate limiting). */
      trustProxy: z.boolean().default(false),
    })
    .prefault({}),
  /** The hub's own certificate and key: signs receipts and pull envelopes, decrypts ingested envelopes. */
  identity: keyPair.extend({
    /** A separate encryption certificate and key (GM dual certificates, 双证书). */
    encryption: keyPair.optional(),
  }),
  trust: z.strictObject({
    /** The platform CA certificate(s), PEM: a path or the PEM text. Self-issued ones are roots. */
    ca: pemSource,
  }),
  database: z
    .strictObject({
      /** PostgreSQL connection URL. When absent the hub uses SQLite. */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
      /** PostgreSQL schema for the hub's tables; created when missing. */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier')
        .default('ferry'),
      /** SQLite database file (relative to the configuration file). */
      sqlite: z.string().min(1).default('ferry-hub.sqlite'),
      /** SQLite `synchronous` setting; `full` makes every receipt durable across power loss. */
      synchronous: z.enum(['full', 'normal']).default('full'),
      /** PostgreSQL connection pool size. */
      poolMax: z.number().int().min(1).max(200).default(10),
    })
    .prefault({}),
  /** Departments that may register departments and read the audit log. */
  admins: z.array(departmentCode).default([]),
  /** Departments that review and publish catalog entries and review data-sharing applications (审核方). */
  reviewers: z.array(departmentCode).default([]),
  limits: z
    .strictObject({
      /** Largest JSON request body. */
      jsonBody: byteSize.default(1024 * 1024),
      /** Largest envelope accepted by POST /v1/envelopes. */
      envelope: byteSize.default(64 * 1024 * 1024),
      /** Most changes one pull returns. */
      pullChanges: z.number().int().min(1).max(100_000).default(10_000),
    })
    .prefault({}),
  rateLimit: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Requests per department (x-ferry-dept) or, without that header, per client IP, per window. */
      max: z.number().int().min(1).default(1200),
      windowMs: z.number().int().min(1000).default(60_000),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /** Largest difference between a request's x-ferry-date and the hub clock. */
      maxSkewMs: z.number().int().min(1000).max(3_600_000).default(300_000),
      /** Where used request nonces are kept: `database` works across several hub processes. */
      nonces: z.enum(['database', 'memory']).default('database'),
    })
    .prefault({}),
  envelopes: z
    .strictObject({
      /** Oldest envelope accepted, by its issued-at (envelopes wait in outboxes while the hub is down). */
      maxAgeMs: z
        .number()
        .int()
        .min(60_000)
        .default(7 * 24 * 3600 * 1000),
      /** Suites accepted. */
      allowedSuites: z
        .array(z.enum(['INTL', 'GM']))
        .min(1)
        .default(['INTL', 'GM']),
      /**
       * Worker threads that decrypt envelopes and decode their changes beside the event loop. 0 does it on the
       * event loop. Default: one per core beyond the first, at most 4.
       */
      openWorkers: z
        .number()
        .int()
        .min(0)
        .max(64)
        .default(() => defaultOpenWorkers()),
      /**
       * Envelopes that arrive ahead of their stream (a sender with several in flight) are held until their
       * predecessors are applied: for at most `waitMs`, and at most `maxHeld` at once; then refused as a gap.
       */
      reorder: z
        .strictObject({
          waitMs: z.number().int().min(0).max(60_000).default(5_000),
          maxHeld: z.number().int().min(0).max(10_000).default(64),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Departments registered at start-up (they are updated, never removed). Admins must be registered here. */
  departments: z
    .array(
      z.strictObject({
        code: departmentCode,
        name: z.string().min(1).max(200),
        /** PEM certificates: paths or PEM text. */
        certificates: z.array(pemSource).min(1),
      }),
    )
    .default([]),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
});

/** A validated hub configuration, every default filled in. */
export type HubConfig = z.output<typeof hubConfigSchema>;

/** A hub configuration as written: defaults may be left out. */
export type HubConfigInput = z.input<typeof hubConfigSchema>;
