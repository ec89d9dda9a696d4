import { FerryError } from '../../errors/index.js';
import type { SuiteName } from '../header.js';
import { gmSuite } from './gm.js';
import { intlSuite } from './intl.js';
import type { Suite } from './suite.js';

export type { ContentCipher, Suite } from './suite.js';

const byName: Record<SuiteName, Suite> = { INTL: intlSuite, GM: gmSuite };
const byFrameId = new Map<number, Suite>([
  [intlSuite.frameId, intlSuite],
  [gmSuite.frameId, gmSuite],
]);

export function suiteByName(name: SuiteName): Suite {
  const suite = byName[name];
  if (!suite) throw new FerryError('FERRY_ENVELOPE_SUITE', `Unknown cipher suite "${String(name)}"`);
  return suite;
}

export function suiteByFrameId(id: number, offset: number): Suite {
  const suite = byFrameId.get(id);
  if (!suite) {
    throw new FerryError(
      'FERRY_ENVELOPE_SUITE',
      `The envelope uses an unknown cipher suite (0x${id.toString(16)})`,
      {
        location: { offset },
      },
    );
  }
  return suite;
}
