import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';

/** `dir/name`, or `dir/stem.1.ext`, `dir/stem.2.ext`… when taken (exports often reuse a name). */
export function uniqueTarget(dir: string, name: string): string {
  const first = join(dir, name);
  if (!existsSync(first) && !existsSync(`${first}.reason.json`)) return first;
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const p = join(dir, `${stem}.${n}${ext}`);
    if (!existsSync(p) && !existsSync(`${p}.reason.json`)) return p;
  }
}
