// The one build config every package spreads: ESM + CJS + .d.ts, node target, no bundled dependencies.
import type { Options } from 'tsup';

export const baseConfig: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
  shims: false,
};
