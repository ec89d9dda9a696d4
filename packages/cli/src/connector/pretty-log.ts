// One JSON log line → one short human line (`12:00:01 INFO  snapshot completed resource=… rows=1000`).
// Written here rather than with pino-pretty, which brings a dozen dependencies for what is a few lines.

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[41m'],
};
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'err']);

/** Formats one pino JSON line; anything that is not JSON is passed through. */
export function formatPrettyLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const [label, tint] = LEVELS[Number(entry.level)] ?? ['LOG  ', ''];
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const fields = Object.entries(entry)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const err = entry.err as { type?: string; code?: string; message?: string } | undefined;
  if (err) fields.push(`error=${err.code ?? err.type ?? 'Error'}: ${err.message ?? ''}`);
  const level = color ? `${tint}${label}\x1b[0m` : label;
  return `${time} ${level} ${String(entry.msg ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}\n`;
}
