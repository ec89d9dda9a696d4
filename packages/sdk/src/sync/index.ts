export { type BatchSealer, type BatchSealerOptions, batchSealer } from './batch-sealer.js';
export { Batcher, type BatcherOptions, type ClosedBatch } from './batcher.js';
export { type CheckpointStore, FileCheckpointStore } from './checkpoint-store.js';
export { FerryClient, type FerryClientOptions, type FerryClientStatus } from './client.js';
export { changesContentType, parseChangesContentType, type SnapshotPhase } from './content-type.js';
export {
  DEFAULT_MAX_IN_FLIGHT,
  Delivery,
  type DeliveryOptions,
  type DeliveryStatus,
  type DeliveryTarget,
  ENVELOPE_MEDIA_TYPE,
} from './delivery.js';
export {
  type AppendRequest,
  OUTBOX_CHECKPOINT_EVERY,
  OUTBOX_FRAME_CACHE_DEPTH,
  Outbox,
  type OutboxOptions,
  type PendingBatch,
  type StreamStatus,
} from './outbox/outbox.js';
export { OutboxSink } from './outbox-sink.js';
export {
  type ChangeContext,
  type ChangeHandler,
  pullOnce,
  type SubscribeOptions,
  type SubscriptionSource,
  subscribe,
} from './subscription.js';
export { TransactionalOutbox, type TransactionalOutboxOptions } from './transactional-outbox.js';
