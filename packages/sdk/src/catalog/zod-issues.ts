// Turns zod's issues into catalog issues with Chinese and English messages.
import type { z } from 'zod';
import { type CatalogIssue, formatPath } from './issue.js';
import { type Bilingual, GENERIC, KEY_PREFIX, KEYED, type MessageKey } from './messages.js';

/** Translates one zod issue (parsed with `reportInput: true`); an issue about several unknown keys becomes one issue per key. */
export function fromZodIssue(issue: z.core.$ZodIssue): CatalogIssue[] {
  const path = formatPath(issue.path);
  const make = (p: string, m: Bilingual): CatalogIssue => ({ path: p, messageZh: m.zh, messageEn: m.en });

  // With `reportInput`, a missing field is an issue whose input is undefined, whatever check raised it.
  if (issue.code !== 'unrecognized_keys' && issue.input === undefined)
    return [make(path, GENERIC.required(path))];

  if (issue.message.startsWith(KEY_PREFIX)) {
    const name = issue.message.slice(KEY_PREFIX.length) as MessageKey;
    const keyed = KEYED[name];
    if (keyed) return [make(path, keyed(path))];
  }

  switch (issue.code) {
    case 'invalid_type':
      return [make(path, GENERIC.wrongType(path, issue.expected))];
    case 'invalid_value':
      return [make(path, GENERIC.notOneOf(path, issue.values))];
    case 'unrecognized_keys':
      return issue.keys.map((k) => {
        const p = formatPath([...issue.path, k]);
        return make(p, GENERIC.unknownField(p));
      });
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array' || issue.origin === 'set')
        return [make(path, GENERIC.tooFewItems(path, min))];
      if (issue.origin === 'string') return [make(path, KEYED.blank(path))];
      return [make(path, GENERIC.tooSmall(path, min, issue.inclusive ?? true))];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set')
        return [make(path, GENERIC.tooManyItems(path, max))];
      if (issue.origin === 'string') return [make(path, GENERIC.tooLong(path, max))];
      return [make(path, GENERIC.tooBig(path, max, issue.inclusive ?? true))];
    }
    case 'invalid_format':
      return [make(path, GENERIC.badFormat(path))];
    default:
      return [make(path, GENERIC.invalid(path))];
  }
}
