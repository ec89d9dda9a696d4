import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

export default defineConfig([
  { ...baseConfig, entry: { index: 'src/index.ts' } },
  // The executable is ESM only and carries the shebang.
  {
    ...baseConfig,
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
