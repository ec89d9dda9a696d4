// The rules that relate fields to each other. They run on the raw input even when other fields are broken,
// so one pass reports every problem; each rule looks only at fields that have the right type.
import { type CatalogCategory, classificationCode } from './classification.js';
import type { CatalogIssue } from './issue.js';
import { type Bilingual, RULES } from './messages.js';
import {
  hasUnifiedSocialCreditShape,
  isUnifiedSocialCreditCode,
  unifiedSocialCreditCheckChar,
} from './provider-code.js';
import { parseResourceCode } from './resource-code.js';

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && /\S/.test(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** Runs every cross-field rule on `input` and returns the problems found (none when it cannot tell). */
export function crossFieldIssues(input: unknown): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const add = (path: string, message: Bilingual) =>
    issues.push({ path, messageZh: message.zh, messageEn: message.en });
  if (!isObject(input)) return issues;

  codeMatchesClassification(input, add);
  providerCheckCharacter(input, add);
  formatDetail(input, add);
  dataItemRules(input, add);
  shareRules(input, add);
  openRules(input, add);
  relatedCodeRules(input, add);
  return issues;
}

type Add = (path: string, message: Bilingual) => void;

function codeMatchesClassification(input: Loose, add: Add): void {
  const parsed = typeof input.code === 'string' ? parseResourceCode(input.code) : undefined;
  const c = input.classification;
  if (parsed === undefined || !isObject(c)) return;
  const wellFormed =
    (c.category === 'basic' || c.category === 'thematic' || c.category === 'departmental') &&
    typeof c.subclass === 'string' &&
    /^\d{2}$/.test(c.subclass) &&
    typeof c.group === 'string' &&
    /^\d{3}$/.test(c.group) &&
    (c.detail === undefined || (typeof c.detail === 'string' && /^\d{1,12}$/.test(c.detail)));
  if (!wellFormed) return;
  const expected = classificationCode({
    category: c.category as CatalogCategory,
    subclass: c.subclass as string,
    group: c.group as string,
    ...(typeof c.detail === 'string' ? { detail: c.detail } : {}),
  });
  if (parsed.classificationCode !== expected) {
    add('code', RULES.categoryMismatch('code', parsed.classificationCode, expected));
  }
}

function providerCheckCharacter(input: Loose, add: Add): void {
  const code = input.providerCode;
  // Shape errors are the schema's; only a well-shaped 18-character code can have a wrong check character.
  if (hasUnifiedSocialCreditShape(code) && !isUnifiedSocialCreditCode(code)) {
    add(
      'providerCode',
      RULES.providerCheckDigit('providerCode', unifiedSocialCreditCheckChar(code.slice(0, 17))),
    );
  }
}

function formatDetail(input: Loose, add: Add): void {
  const f = input.format;
  if (!isObject(f) || (f.type !== 'file' && f.type !== 'other')) return;
  if (f.detail === undefined) add('format.detail', RULES.formatDetailRequired('format.detail', f.type));
}

function dataItemRules(input: Loose, add: Add): void {
  const items = input.dataItems;
  if (!Array.isArray(items)) return;
  const firstByName = new Map<string, number>();
  items.forEach((item: unknown, i) => {
    if (!isObject(item)) return;
    const at = `dataItems[${i}]`;
    const name = typeof item.name === 'string' ? item.name : `#${i}`;
    if (isText(item.name)) {
      const normalized = item.name.trim();
      const first = firstByName.get(normalized);
      if (first === undefined) firstByName.set(normalized, i);
      else add(`${at}.name`, RULES.duplicateItemName(`${at}.name`, item.name, first));
    }
    if (item.dataType === 'string' && item.length === undefined) {
      add(`${at}.length`, RULES.stringLengthRequired(`${at}.length`, name));
    }
    if (item.dataType === 'decimal') {
      if (item.length !== undefined) add(`${at}.length`, RULES.lengthNotForType(`${at}.length`, 'decimal'));
      if (item.precision === undefined)
        add(`${at}.precision`, RULES.decimalPartRequired(`${at}.precision`, name));
      if (item.scale === undefined) add(`${at}.scale`, RULES.decimalPartRequired(`${at}.scale`, name));
      if (isCount(item.precision) && isCount(item.scale) && item.scale > item.precision) {
        add(`${at}.scale`, RULES.decimalScaleTooLarge(`${at}.scale`, item.scale, item.precision));
      }
    } else if (typeof item.dataType === 'string') {
      for (const field of ['precision', 'scale'] as const) {
        if (item[field] !== undefined) {
          add(`${at}.${field}`, RULES.onlyForDecimal(`${at}.${field}`, item.dataType));
        }
      }
    }
  });

  const f = input.format;
  if (isObject(f) && (f.type === 'database' || f.type === 'file') && items.length > 0) {
    const itemsWellTyped = items.every((item) => isObject(item) && typeof item.key === 'boolean');
    if (itemsWellTyped && !items.some((item) => (item as Loose).key === true)) {
      add('dataItems', RULES.keyItemRequired('dataItems', f.type));
    }
  }
}

function shareRules(input: Loose, add: Add): void {
  const s = input.share;
  if (!isObject(s)) return;
  if ((s.type === 'conditional' || s.type === 'none') && s.condition === undefined) {
    add('share.condition', RULES.shareConditionRequired('share.condition', s.type));
  }
  if (s.type === 'unconditional' || s.type === 'conditional') {
    if (s.methods === undefined || (Array.isArray(s.methods) && s.methods.length === 0)) {
      add('share.methods', RULES.shareMethodRequired('share.methods'));
    }
  } else if (s.type === 'none' && Array.isArray(s.methods) && s.methods.length > 0) {
    add('share.methods', RULES.shareMethodForbidden('share.methods'));
  }
  if (Array.isArray(s.methods)) {
    const seen = new Set<unknown>();
    s.methods.forEach((method: unknown, i) => {
      if (seen.has(method) && typeof method === 'string') {
        add(`share.methods[${i}]`, RULES.duplicateMethod(`share.methods[${i}]`, method));
      }
      seen.add(method);
    });
  }
}

function openRules(input: Loose, add: Add): void {
  const s = input.share;
  const o = input.open;
  if (isObject(s) && isObject(o) && s.type === 'none' && o.isOpen === true) {
    add('open.isOpen', RULES.openButNotShared('open.isOpen'));
  }
}

function relatedCodeRules(input: Loose, add: Add): void {
  const related = input.relatedCodes;
  if (!Array.isArray(related)) return;
  const seen = new Set<string>();
  related.forEach((code: unknown, i) => {
    if (typeof code !== 'string') return;
    const at = `relatedCodes[${i}]`;
    if (code === input.code) add(at, RULES.relatedIsSelf(at));
    else if (seen.has(code)) add(at, RULES.duplicateRelated(at, code));
    seen.add(code);
  });
}
