/**
 * Ferry SDK. Import a capability from its subpath to load only what you use:
 * `@ferry/sdk/envelope`, `@ferry/sdk/pki`, `@ferry/sdk/catalog`, `@ferry/sdk/errors`, `@ferry/sdk/changes`,
 * `@ferry/sdk/connector` (sources, capture strategies, runner),
 * `@ferry/sdk/auth` (signed hub requests), `@ferry/sdk/receipt` (hub receipts), `@ferry/sdk/sync` (outbox, delivery, subscriptions).
 */

export * from './auth/index.js';
export * from './catalog/index.js';
export * from './changes/index.js';
export * from './connector/index.js';
export * from './envelope/index.js';
export * from './errors/index.js';
export * from './pki/index.js';
export * from './receipt/index.js';
export * from './sync/index.js';
