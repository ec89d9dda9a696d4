// NDJSON: one JSON object per line. Lines are parsed with JSON.parse (native, fast); a line holding a run
// of 16 or more digits is parsed again exactly so a 64-bit id or a long decimal keeps every digit.
import { loadJsonTools, parseJsonExact } from './exact-json.js';
import type { RecordHandler, TextFormatReader } from './record-handler.js';

const LONG_NUMBER = /\d{16}/;

export async function createNdjsonReader(handler: RecordHandler): Promise<TextFormatReader> {
  const tools = await loadJsonTools();
  let carry: Buffer | undefined;
  let line = 0;
  const onLine = (bytes: Buffer) => {
    line++;
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
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
      let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = undefined;
      let start = 0;
      for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
        onLine(buf.subarray(start, nl));
        start = nl + 1;
      }
      if (start < buf.length) {
        buf = buf.subarray(start);
        carry = Buffer.from(buf);
      }
    },
    async end() {
      if (carry && carry.length > 0) onLine(carry);
      carry = undefined;
    },
  };
}
