import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

export default defineConfig({
  ...baseConfig,
  // The ingest worker is its own entry: OpenPool starts it from the file beside the bundle.
  entry: { index: 'src/index.ts', 'ingest-worker': 'src/ingest/open-worker.ts' },
  dts: { entry: { index: 'src/index.ts' } },
});
