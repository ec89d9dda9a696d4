// Every validation message, in Chinese and English, and the Chinese name of each field.

/** A message in both languages. */
export interface Bilingual {
  zh: string;
  en: string;
}

// Chinese metadata names, keyed by path with array indexes written as [].
const LABELS: Record<string, string> = {
  '': '目录条目',
  classification: '信息资源分类',
  'classification.category': '信息资源分类的“类”',
  'classification.subclass': '信息资源分类的“项”',
  'classification.group': '信息资源分类的“目”',
  'classification.detail': '信息资源分类的“细目”',
  code: '信息资源代码',
  name: '信息资源名称',
  provider: '信息资源提供方',
  providerCode: '信息资源提供方代码',
  summary: '信息资源摘要',
  format: '信息资源格式',
  'format.type': '信息资源格式类型',
  'format.detail': '具体格式',
  dataItems: '信息项',
  'dataItems[]': '信息项',
  'dataItems[].name': '信息项名称',
  'dataItems[].dataType': '数据类型',
  'dataItems[].length': '数据长度',
  'dataItems[].precision': '精度',
  'dataItems[].scale': '小数位数',
  'dataItems[].description': '信息项描述',
  'dataItems[].key': '是否主键',
  share: '共享属性',
  'share.type': '共享类型',
  'share.condition': '共享条件',
  'share.methods': '共享方式',
  'share.methods[]': '共享方式',
  open: '开放属性',
  'open.isOpen': '是否向社会开放',
  'open.condition': '开放条件',
  updateCycle: '更新周期',
  releaseDate: '发布日期',
  relatedCodes: '关联资源代码',
  'relatedCodes[]': '关联资源代码',
  version: '版本',
  secrecy: '涉密属性',
  level: '层级属性',
};

/** The Chinese name of a field followed by its path, e.g. `数据长度（dataItems[3].length）`. */
export function fieldLabel(path: string): string {
  const label = LABELS[path.replace(/\[\d+\]/g, '[]')];
  if (label === undefined) return path === '' ? '目录条目' : path;
  return path === '' ? label : `${label}（${path}）`;
}

function subject(path: string): string {
  return path === '' ? 'the catalog entry' : path;
}

const TYPE_NAMES: Record<string, Bilingual> = {
  string: { zh: '文本', en: 'a string' },
  number: { zh: '数字', en: 'a number' },
  int: { zh: '整数', en: 'an integer' },
  boolean: { zh: '布尔值（true 或 false）', en: 'true or false' },
  object: { zh: '对象', en: 'an object' },
  array: { zh: '数组', en: 'an array' },
};

/** Messages for the generic checks of the schema, given the path of the field. */
export const GENERIC = {
  required: (path: string): Bilingual => ({
    zh: `缺少必填项：${fieldLabel(path)}`,
    en: `${subject(path)} is required`,
  }),
  wrongType: (path: string, expected: string): Bilingual => {
    const name = TYPE_NAMES[expected] ?? { zh: expected, en: expected };
    return { zh: `${fieldLabel(path)}应为${name.zh}`, en: `${subject(path)} must be ${name.en}` };
  },
  notOneOf: (path: string, values: readonly unknown[]): Bilingual => ({
    zh: `${fieldLabel(path)}取值无效，应为以下之一：${values.map(String).join('、')}`,
    en: `${subject(path)} must be one of: ${values.map(String).join(', ')}`,
  }),
  tooFewItems: (path: string, min: number): Bilingual => ({
    zh: `${fieldLabel(path)}至少需要 ${min} 项`,
    en: `${subject(path)} needs at least ${min} item${min === 1 ? '' : 's'}`,
  }),
  tooManyItems: (path: string, max: number): Bilingual => ({
    zh: `${fieldLabel(path)}最多 ${max} 项`,
    en: `${subject(path)} has more than ${max} items`,
  }),
  tooLong: (path: string, max: number): Bilingual => ({
    zh: `${fieldLabel(path)}不能超过 ${max} 个字符`,
    en: `${subject(path)} must be at most ${max} characters`,
  }),
  tooSmall: (path: string, min: number, inclusive: boolean): Bilingual => ({
    zh: `${fieldLabel(path)}${inclusive ? '不能小于' : '必须大于'} ${min}`,
    en: `${subject(path)} must be ${inclusive ? 'at least' : 'greater than'} ${min}`,
  }),
  tooBig: (path: string, max: number, inclusive: boolean): Bilingual => ({
    zh: `${fieldLabel(path)}${inclusive ? '不能大于' : '必须小于'} ${max}`,
    en: `${subject(path)} must be ${inclusive ? 'at most' : 'less than'} ${max}`,
  }),
  unknownField: (path: string): Bilingual => ({
    zh: `未知字段：${path}（字段名区分大小写，请核对拼写）`,
    en: `${path} is not a field of a catalog entry (names are case-sensitive; check the spelling)`,
  }),
  badFormat: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}格式不正确`,
    en: `${subject(path)} is not in the expected format`,
  }),
  invalid: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}无效`,
    en: `${subject(path)} is not valid`,
  }),
};

/**
 * Keys the schema attaches to its own checks; the issue translator turns them into {@link KEYED} messages.
 * Kept as strings because zod carries one message per issue.
 */
export type MessageKey = keyof typeof KEYED;

/** Marks a schema check's message as one of ours. */
export const KEY_PREFIX = 'ferry.catalog:';

/** Messages for the schema's named checks, given the path of the field. */
export const KEYED = {
  blank: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}不能为空`,
    en: `${subject(path)} must not be empty`,
  }),
  resourceCode: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}应为“分类码/顺序码”形式，如 101001/000001：分类码为类（1位，1基础/2主题/3部门）、项（2位）、目（3位）及可选的细目（最多12位），顺序码为1至20位数字`,
    en: `${subject(path)} must be "<classification digits>/<sequence digits>", e.g. 101001/000001: 类 (1 digit: 1 basic, 2 thematic, 3 departmental), 项 (2 digits), 目 (3 digits), optional 细目 (up to 12 digits), then 1 to 20 sequence digits`,
  }),
  subclass: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}应为2位数字，如 01`,
    en: `${subject(path)} (项) must be 2 digits, e.g. 01`,
  }),
  group: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}应为3位数字，如 001`,
    en: `${subject(path)} (目) must be 3 digits, e.g. 001`,
  }),
  detail: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}应为1至12位数字`,
    en: `${subject(path)} (细目) must be 1 to 12 digits`,
  }),
  providerCode: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}应为18位统一社会信用代码（GB 32100，大写字母不含 I、O、S、V、Z），或2至12位由数字和大写字母组成的部门代码`,
    en: `${subject(path)} must be an 18-character unified social credit code (GB 32100; capitals except I, O, S, V, Z) or a department code of 2 to 12 digits and capital letters`,
  }),
  date: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}应为 YYYY-MM-DD 格式的有效日期，如 2024-03-01`,
    en: `${subject(path)} must be a real date written YYYY-MM-DD, e.g. 2024-03-01`,
  }),
  secrecy: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}只能为 non-classified（非涉密）。Ferry 只登记非涉密政务信息资源，涉密信息资源须按保密规定在涉密网络中编目和管理`,
    en: `${subject(path)} must be "non-classified". Ferry registers only non-classified resources; classified (涉密) resources must be catalogued and handled on classified networks under the secrecy rules`,
  }),
} satisfies Record<string, (path: string) => Bilingual>;

/** Messages of the rules that look at more than one field. */
export const RULES = {
  categoryMismatch: (path: string, codeDigits: string, expected: string): Bilingual => ({
    zh: `${fieldLabel(path)}的分类码 ${codeDigits} 与信息资源分类给出的 ${expected} 不一致`,
    en: `${subject(path)} starts with ${codeDigits} but the classification gives ${expected}`,
  }),
  providerCheckDigit: (path: string, expected: string): Bilingual => ({
    zh: `${fieldLabel(path)}的校验码错误：按 GB 32100 计算，第18位应为 ${expected}，请核对代码是否抄错`,
    en: `${subject(path)} fails the GB 32100 check: the 18th character should be ${expected}; check the code for a typo`,
  }),
  formatDetailRequired: (path: string, type: string): Bilingual => ({
    zh: `信息资源格式为${type === 'file' ? '电子文件' : '其他'}时必须填写${fieldLabel(path)}，如 csv、xlsx、ofd`,
    en: `${subject(path)} is required when format.type is "${type}" (e.g. csv, xlsx, ofd)`,
  }),
  keyItemRequired: (path: string, type: string): Bilingual => ({
    zh: `信息资源格式为${type === 'database' ? '数据库' : '电子文件'}时，${fieldLabel(path)}中至少要有一项标为主键（key: true）`,
    en: `a resource in ${type} format needs at least one data item with key: true`,
  }),
  duplicateItemName: (path: string, name: string, first: number): Bilingual => ({
    zh: `${fieldLabel(path)}“${name}”重复，与 dataItems[${first}] 同名；信息项名称在同一资源内必须唯一`,
    en: `${subject(path)} "${name}" repeats dataItems[${first}].name; data item names must be unique`,
  }),
  stringLengthRequired: (path: string, name: string): Bilingual => ({
    zh: `信息项“${name}”为字符型（string），必须填写${fieldLabel(path)}`,
    en: `${subject(path)} is required: data item "${name}" is a string`,
  }),
  decimalPartRequired: (path: string, name: string): Bilingual => ({
    zh: `信息项“${name}”为数值型（decimal），必须填写${fieldLabel(path)}`,
    en: `${subject(path)} is required: data item "${name}" is a decimal`,
  }),
  decimalScaleTooLarge: (path: string, scale: number, precision: number): Bilingual => ({
    zh: `${fieldLabel(path)} ${scale} 大于精度 ${precision}；小数位数不能超过精度`,
    en: `${subject(path)} ${scale} is larger than the precision ${precision}; a decimal needs precision ≥ scale`,
  }),
  onlyForDecimal: (path: string, dataType: string): Bilingual => ({
    zh: `${fieldLabel(path)}只适用于数值型（decimal）信息项，本项数据类型为 ${dataType}`,
    en: `${subject(path)} applies only to decimal data items, not to ${dataType}`,
  }),
  lengthNotForType: (path: string, dataType: string): Bilingual => ({
    zh: `${fieldLabel(path)}不适用于数据类型 ${dataType}${dataType === 'decimal' ? '，数值型请填写精度和小数位数' : ''}`,
    en: `${subject(path)} does not apply to ${dataType} data items${dataType === 'decimal' ? '; give precision and scale instead' : ''}`,
  }),
  shareConditionRequired: (path: string, type: string): Bilingual => ({
    zh:
      type === 'none'
        ? `共享类型为不予共享时必须填写${fieldLabel(path)}，写明不予共享的法律、行政法规或政策依据`
        : `共享类型为有条件共享时必须填写${fieldLabel(path)}，写明申请方须满足的条件及依据`,
    en:
      type === 'none'
        ? `${subject(path)} is required when share.type is "none": give the law, regulation or policy that rules out sharing`
        : `${subject(path)} is required when share.type is "conditional": give the conditions a requester must meet and their basis`,
  }),
  shareMethodRequired: (path: string): Bilingual => ({
    zh: `共享的信息资源至少要有一种${fieldLabel(path)}`,
    en: `${subject(path)} needs at least one method for a shared resource`,
  }),
  shareMethodForbidden: (path: string): Bilingual => ({
    zh: `不予共享的信息资源不应填写${fieldLabel(path)}`,
    en: `${subject(path)} must be empty when share.type is "none"`,
  }),
  duplicateMethod: (path: string, method: string): Bilingual => ({
    zh: `${fieldLabel(path)} ${method} 重复`,
    en: `${subject(path)} repeats "${method}"`,
  }),
  openButNotShared: (path: string): Bilingual => ({
    zh: `不予共享的信息资源不能向社会开放：${fieldLabel(path)}应为 false，或调整共享类型`,
    en: `${subject(path)} cannot be true for a resource that is not shared (share.type "none")`,
  }),
  relatedIsSelf: (path: string): Bilingual => ({
    zh: `${fieldLabel(path)}不能是本资源自己的代码`,
    en: `${subject(path)} is the entry's own code`,
  }),
  duplicateRelated: (path: string, code: string): Bilingual => ({
    zh: `${fieldLabel(path)} ${code} 重复`,
    en: `${subject(path)} repeats ${code}`,
  }),
} satisfies Record<string, (...args: never[]) => Bilingual>;
