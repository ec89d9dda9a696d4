// What the demo's steps share: the working directory, the parties of one cipher suite, and what earlier
// steps produced. New steps (a hub, a connector, a subscription) add their fields here.
import type { Hub } from '@ferry/hub';
import type {
  Certificate,
  Identity,
  KeyAlgorithm,
  PrivateKey,
  ReplayGuard,
  SuiteName,
  TrustStore,
} from '@ferry/sdk';

/** One cipher suite the demo runs through. */
export interface DemoSuite {
  name: SuiteName;
  /** Key algorithm of the CA and the departments. */
  algorithm: KeyAlgorithm;
  /** Short description of the primitives, for the section title. */
  primitives: string;
}

export const DEMO_SUITES: readonly DemoSuite[] = [
  {
    name: 'INTL',
    algorithm: 'ec-p256',
    primitives: 'EC P-256 keys · AES-256-GCM · ECDH-ES+A256KW · ECDSA-P256-SHA256',
  },
  {
    name: 'GM',
    algorithm: 'sm2',
    primitives: 'SM2 keys · SM4-CTR + HMAC-SM3 · SM2 key transport · SM2-with-SM3',
  },
];

/** Options of one demo run. */
export interface DemoOptions {
  /** Size of the streamed payload in MiB. */
  streamMiB: number;
  /** Rows the provider sends through the hub. */
  rows: number;
  suites: readonly DemoSuite[];
}

/** State of one suite's run, filled in step by step. */
export interface SuiteContext {
  suite: DemoSuite;
  options: DemoOptions;
  /** This suite's working directory (CA and department files, frames). */
  dir: string;
  trust?: TrustStore;
  ca?: { certificate: Certificate; privateKey: PrivateKey };
  provider?: Identity;
  consumer?: Identity;
  /** The platform's own identity and the department that reviews catalog entries. */
  hubIdentity?: Identity;
  reviewer?: Identity;
  /** The running hub of the loop steps. */
  hub?: Hub;
  hubUrl?: string;
  /** Run when the suite ends, whatever happened (stops the hub, closes clients). */
  cleanup: (() => Promise<void>)[];
  /** The frame the `seal` step produced, and where it was written. */
  frame?: Uint8Array;
  framePath?: string;
  /** The consumer's replay guard: remembers the envelope ids it has opened. */
  replay?: ReplayGuard;
}

/** What a step reports: a one-line summary, optional extra lines (indented below it) and its duration. */
export interface StepResult {
  summary: string;
  details?: string[];
}

/** One step of the demo. Throws to fail; a failed step stops the rest of its suite. */
export interface DemoStep {
  name: string;
  run(ctx: SuiteContext): Promise<StepResult>;
}

/** Returns `value`, or throws when an earlier step did not produce it. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the demo has no ${what} (an earlier step failed)`);
  return value;
}
