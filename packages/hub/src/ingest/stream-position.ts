// Where an envelope's (epoch, seq) falls in its stream: the next one (apply it), one already applied (answer
// with its receipt), or out of order (refuse, telling the sender what the hub expects).
import { FerryError } from '@ferry/sdk';
import type { StreamState } from '../store/index.js';

/** `apply` for the next position, `duplicate` for a position already applied. */
export type PositionVerdict = 'apply' | 'duplicate';

/**
 * Classifies `epoch`/`seq` against the stream's state. A stream starts at seq 0 of any epoch; a newer epoch
 * (a full resnapshot) starts at seq 0 again. Throws `FERRY_STREAM_EPOCH` for an older epoch and
 * `FERRY_SEQUENCE_GAP` (with `details.expectedSeq` and `details.epoch`) for a position ahead of the next one.
 */
export function classifyPosition(
  state: StreamState | undefined,
  epoch: number,
  seq: number,
): PositionVerdict {
  if (state === undefined || epoch > state.epoch) {
    if (seq === 0) return 'apply';
    throw new FerryError(
      'FERRY_SEQUENCE_GAP',
      `Epoch ${epoch} of this stream must start at seq 0, not ${seq}`,
      {
        details: { epoch, expectedSeq: 0, receivedSeq: seq },
      },
    );
  }
  if (epoch < state.epoch) {
    throw new FerryError(
      'FERRY_STREAM_EPOCH',
      `The stream is at epoch ${state.epoch}; epoch ${epoch} is over`,
      {
        details: { currentEpoch: state.epoch, receivedEpoch: epoch },
      },
    );
  }
  if (seq < state.nextSeq) return 'duplicate';
  if (seq > state.nextSeq) {
    throw new FerryError(
      'FERRY_SEQUENCE_GAP',
      `The stream expects seq ${state.nextSeq}, not ${seq}: send the missing envelopes first`,
      {
        details: { epoch, expectedSeq: state.nextSeq, receivedSeq: seq },
      },
    );
  }
  return 'apply';
}
