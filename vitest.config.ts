import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdkSrc = fileURLToPath(new URL('./packages/sdk/src/', import.meta.url));
const hubSrc = fileURLToPath(new URL('./packages/hub/src/', import.meta.url));

export default defineConfig({
  // Tests of packages that depend on the SDK or the hub run against their sources, not a possibly stale dist/ build.
  resolve: {
    alias: [
      { find: /^@ferry\/sdk$/, replacement: `${sdkSrc}index.ts` },
      { find: /^@ferry\/sdk\/([a-z-]+)$/, replacement: `${sdkSrc}$1/index.ts` },
      { find: /^@ferry\/hub$/, replacement: `${hubSrc}index.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
