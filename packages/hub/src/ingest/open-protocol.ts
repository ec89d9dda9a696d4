// Messages between OpenPool and its workers (structured-clone data only).
import type { FerryErrorLocation, SuiteName } from '@ferry/sdk';
import type { IdentityPem } from '../config/materials.js';
import type { KeyItem } from '../store/index.js';
import type { PreparedBatch } from './decode-batch.js';

/** What a worker is started with. */
export interface OpenWorkerData {
  trust: string;
  identity: IdentityPem;
  verify: { maxFrameBytes: number; maxAgeMs: number; allowedSuites: SuiteName[] };
}

/** One frame to open and decode. */
export interface OpenJob {
  id: number;
  frame: Uint8Array;
  keyItems: KeyItem[];
}

/** A worker's first message: it has loaded the identity and trust and takes jobs. */
export interface OpenReady {
  ready: true;
}

/** A worker's answer: the decoded batch, or the error as plain data. */
export type OpenReply =
  | { id: number; ok: true; batch: PreparedBatch }
  | {
      id: number;
      ok: false;
      error: {
        code: string;
        message: string;
        location?: FerryErrorLocation;
        details?: Record<string, unknown>;
        ferry: boolean;
      };
    };
