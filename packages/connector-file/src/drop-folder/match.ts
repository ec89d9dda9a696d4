import type { ResourceConfig } from '../config/resource-config.js';

const EXTENSIONS: Record<ResourceConfig['format'], string[]> = {
  csv: ['.csv'],
  tsv: ['.tsv', '.tab', '.txt'],
  ndjson: ['.ndjson', '.jsonl'],
  json: ['.json'],
  xlsx: ['.xlsx'],
};

/** A matcher of file names: a glob (`人口_*.csv`, `?` and `*`), a RegExp, or the format's extensions. */
export function fileMatcher(
  files: string | RegExp | undefined,
  format: ResourceConfig['format'],
): (name: string) => boolean {
  if (files instanceof RegExp) return (n) => files.test(n);
  if (typeof files === 'string') {
    const re = new RegExp(
      `^${files
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
      'u',
    );
    return (n) => re.test(n);
  }
  const exts = EXTENSIONS[format];
  return (n) => exts.some((e) => n.toLowerCase().endsWith(e));
}

/** Names a drop folder never treats as exports: hidden, partial, lock and Ferry's own report files. */
export function isIgnoredName(name: string, marker: string | undefined): boolean {
  if (name.startsWith('.') || name.startsWith('~$')) return true;
  if (/\.(tmp|part|partial|crdownload|filepart|swp)$/i.test(name)) return true;
  if (name.endsWith('.reason.json') || name.endsWith('.bad-rows.ndjson')) return true;
  return marker !== undefined && name.endsWith(marker);
}
