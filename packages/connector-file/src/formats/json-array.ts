// A JSON array of objects, streamed element by element with stream-json (tokens in, one element assembled
// at a time), so a multi-gigabyte array never sits in memory. Numbers stay text (exact-json.ts). The
// tokenizer does not track lines, so bad elements are reported by their 1-based record number.
import { FerryError } from '@ferry/sdk/errors';
import { loadJsonTools, NONE, tokensOf } from './exact-json.js';
import type { RecordHandler, TextFormatReader } from './record-handler.js';

export async function createJsonArrayReader(file: string, handler: RecordHandler): Promise<TextFormatReader> {
  const tools = await loadJsonTools();
  const tok = tools.tokenizer(false);
  let asm = tools.assembler();
  let started = false;
  let ended = false;
  let record = 0;
  let depth = 0;
  const malformed = (message: string) =>
    new FerryError('FERRY_FILE_MALFORMED', `${file}: ${message}`, {
      location: { file },
      details: { record: record + 1 },
    });
  const feed = (result: unknown) => {
    for (const t of tokensOf(result)) {
      if (!started) {
        if (t.name !== 'startArray') throw malformed('a JSON file must hold one array of objects');
        started = true;
        continue;
      }
      if (ended) throw malformed('data after the end of the array');
      if (depth === 0 && t.name === 'endArray') {
        ended = true;
        continue;
      }
      asm.consume(t);
      if (t.name === 'startObject' || t.name === 'startArray') depth++;
      else if (t.name === 'endObject' || t.name === 'endArray') depth--;
      if (depth === 0) {
        record++;
        handler.object(asm.current, { record });
        asm = tools.assembler();
      }
    }
  };
  const run = (input: unknown) => {
    try {
      feed(tok(input));
    } catch (err) {
      if (err instanceof FerryError) throw err;
      throw malformed(`not valid JSON near record ${record + 1}: ${(err as Error).message}`);
    }
  };
  return {
    write(chunk) {
      run(chunk);
    },
    async end() {
      run(NONE);
      if (!started) throw malformed('the file is empty; a JSON file must hold one array of objects');
      if (!ended) throw malformed('the array is not closed');
    },
  };
}
