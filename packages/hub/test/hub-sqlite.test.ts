// The hub suite on SQLite (a temporary file).
import { hubSuite } from './suite/index.js';

hubSuite('SQLite', () => ({ kind: 'sqlite' }));
