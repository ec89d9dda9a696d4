// JSON with numbers kept as their source text. JSON.parse turns 12345678901234567890 into a double and
// loses digits; stream-json's tokenizer hands numbers over as text, so an integer or decimal column keeps
// every digit. stream-json is ESM-only and loaded on first use, only by the JSON formats.

type Token = { name: string; value?: unknown };
type TokenFn = (chunk: unknown) => unknown;

/** `none` of stream-chain (a registered symbol, so no import of stream-chain is needed). */
export const NONE = Symbol.for('object-stream.none');

export interface JsonTools {
  /** A fresh tokenizer: call with text chunks, then with {@link NONE} to flush. */
  tokenizer(jsonStreaming: boolean): TokenFn;
  /** A fresh assembler that keeps numbers as strings. */
  assembler(): { consume(token: Token): unknown; done: boolean; current: unknown; depth: number };
}

let loading: Promise<JsonTools> | undefined;

export function loadJsonTools(): Promise<JsonTools> {
  loading ??= (async () => {
    // The bare tokenizer: synchronous, text in, tokens out (the default export wraps it in generators).
    const parserModule = (await import('stream-json/core/parser.js')) as unknown as {
      jsonParser: (options: Record<string, unknown>) => TokenFn;
    };
    const asmModule = (await import('stream-json/core/assembler.js')) as unknown as {
      default: new (
        options: Record<string, unknown>,
      ) => JsonTools extends { assembler(): infer A } ? A : never;
    };
    return {
      tokenizer: (jsonStreaming) =>
        parserModule.jsonParser({ packValues: true, streamValues: false, jsonStreaming }),
      assembler: () => new asmModule.default({ numberAsString: true }),
    };
  })();
  return loading;
}

/** Tokens of one tokenizer call (stream-chain wraps several in `many`, none in `none`). */
export function tokensOf(result: unknown): readonly Token[] {
  if (result === NONE || result === undefined || result === null) return [];
  const many = result as { values?: Token[] };
  if (Array.isArray(many.values)) return many.values;
  return [result as Token];
}

/** Parses one JSON text exactly (numbers as strings). Throws on invalid JSON. */
export function parseJsonExact(tools: JsonTools, text: string): unknown {
  const tok = tools.tokenizer(false);
  const asm = tools.assembler();
  for (const t of tokensOf(tok(text))) asm.consume(t);
  for (const t of tokensOf(tok(NONE))) asm.consume(t);
  if (!asm.done) throw new SyntaxError('unexpected end of JSON');
  return asm.current;
}
