import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

export default defineConfig({
  ...baseConfig,
  // Subpaths share chunks, so a class (TrustStore, FerryError…) is one class whichever subpath loaded it.
  splitting: true,
  entry: {
    index: 'src/index.ts',
    'errors/index': 'src/errors/index.ts',
    'pki/index': 'src/pki/index.ts',
    'envelope/index': 'src/envelope/index.ts',
    'catalog/index': 'src/catalog/index.ts',
    'changes/index': 'src/changes/index.ts',
    'auth/index': 'src/auth/index.ts',
    'receipt/index': 'src/receipt/index.ts',
    'connector/index': 'src/connector/index.ts',
    'sync/index': 'src/sync/index.ts',
  },
});
