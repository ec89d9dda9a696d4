// pg type parsers that keep full fidelity: everything stays text except booleans, small integers,
// floats and bytea, so that bigint, numeric and timestamps reach Ferry's decoding exactly as stored.

type Parser = (text: string) => unknown;

const identity: Parser = (text) => text;

const PARSERS: Record<number, Parser> = {
  16: (t) => t === 't', // bool
  21: Number, // int2
  23: Number, // int4
  26: Number, // oid
  700: Number, // float4 (Number() reads NaN and ±Infinity)
  701: Number, // float8
  17: parseBytea, // bytea
};

/** Decodes bytea text output: hex (`\x…`, the default since 9.0) or the older escape format. */
export function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 92) bytes.push(c);
    else if (text[i + 1] === '\\') {
      bytes.push(92);
      i++;
    } else {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}

/**
 * The `types` option of a pg client (`new pg.Client({ types })`, or knex's `connection.types`): applies to
 * that client only, never to pg's global parsers, so other code in the process is not affected.
 */
export const ferryPgTypes = {
  getTypeParser(oid: number, format?: string): Parser {
    if (format === 'binary') return identity;
    return PARSERS[oid] ?? identity;
  },
};
