/**
 * Ferry SDK. Import a capability from its subpath to load only what you use:
 * `@ferry/sdk/envelope`, `@ferry/sdk/pki`, `@ferry/sdk/catalog`, `@ferry/sdk/errors`, `@ferry/sdk/changes`,
 * `@ferry/sdk/auth` (signed hub requests), `@ferry/sdk/receipt` (hub receipts).
 */
export * from './errors/index.js';
export * from './pki/index.js';
export * from './envelope/index.js';
export * from './catalog/index.js';
export * from './changes/index.js';
export * from './auth/index.js';
export * from './receipt/index.js';
