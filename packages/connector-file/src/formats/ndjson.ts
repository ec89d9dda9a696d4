// NDJSON: one JSON object per line. Lines are parsed with JSON.parse (native, fast); a line holding a run
// of 16 or more digits is parsed again exactly so a 64-bit id or a long decimal keeps every digit.
import { loadJsonTools, parseJsonExact } from './exact-json.js';
import type { RecordHandler, TextFormatReader } from './record-handler.js';

const LONG_NUMBER = /\d{16}/;

export async function createNdjsonReader(handler: RecordHandler): Promise<TextFormatReader> {
  const tools = await loadJsonTools();
  let carry = '';
  let line = 0;
  const onLine = (raw: string) => {
    line++;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === 1) text = text.replace(/^\ufeff/, '');
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = LONG_NUMBER.test(text) ? parseJsonExact(tools, text) : JSON.parse(text);
    } catch (err) {
      handler.syntax({ line }, `not valid JSON: ${(err as Error).message}`);
      return;
    }
    handler.object(value, { line });
  };
  return {
    write(chunk) {
      const text = carry + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        onLine(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
    },
    async end() {
      if (carry.length > 0) onLine(carry);
      carry = '';
    },
  };
}
