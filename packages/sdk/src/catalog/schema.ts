// The zod schema of a catalog entry: field shapes here, rules across fields in rules.ts. The JSON Schema
// export is generated from this, so the cross-field rules JSON Schema can express are repeated as metadata.
import { z } from 'zod';
import type { CatalogClassification } from './classification.js';
import { KEY_PREFIX, type MessageKey } from './messages.js';
import {
  CATALOG_LEVELS,
  type CatalogEntry,
  DATA_ITEM_TYPES,
  type DataItem,
  type OpenAttributes,
  RESOURCE_FORMAT_TYPES,
  type ResourceFormat,
  SHARE_METHODS,
  SHARE_TYPES,
  type ShareAttributes,
  UPDATE_CYCLES,
} from './model.js';
import { PROVIDER_CODE_PATTERN } from './provider-code.js';
import { RESOURCE_CODE_PATTERN } from './resource-code.js';

const key = (name: MessageKey) => ({ error: `${KEY_PREFIX}${name}` });

type JsonSchema = Record<string, unknown>;

/** A JSON Schema `if` / `then` / `else` for the rules JSON Schema can express. */
function when(condition: JsonSchema, then: JsonSchema, otherwise?: JsonSchema): JsonSchema {
  return { if: condition, then, ...(otherwise === undefined ? {} : { else: otherwise }) };
}

/** Text that must contain something other than white space. */
const text = (max: number) => z.string().regex(/\S/, key('blank')).max(max);

const resourceCode = z.string().regex(RESOURCE_CODE_PATTERN, key('resourceCode'));

const classification = z
  .strictObject({
    category: z.enum(['basic', 'thematic', 'departmental']).meta({
      description: '类: basic 基础信息资源 (1), thematic 主题信息资源 (2), departmental 部门信息资源 (3)',
    }),
    subclass: z
      .string()
      .regex(/^\d{2}$/, key('subclass'))
      .meta({ description: '项: 2 digits' }),
    group: z
      .string()
      .regex(/^\d{3}$/, key('group'))
      .meta({ description: '目: 3 digits' }),
    detail: z
      .string()
      .regex(/^\d{1,12}$/, key('detail'))
      .optional()
      .meta({ description: '细目: 1 to 12 digits, optional' }),
  })
  .meta({ description: '信息资源分类 (classification): 类 · 项 · 目 · 细目' });

const format = z
  .strictObject({
    type: z.enum(RESOURCE_FORMAT_TYPES).meta({
      description:
        '格式类型: 数据库 database, 电子文件 file, 接口 interface, 图像 image, 音视频 audio-video, 其他 other',
    }),
    detail: text(100)
      .optional()
      .meta({ description: '具体格式, e.g. csv, xlsx, ofd; required for file and other' }),
  })
  .meta({
    description: '信息资源格式 (format)',
    allOf: [
      when(
        { properties: { type: { enum: ['file', 'other'] } }, required: ['type'] },
        { required: ['detail'] },
      ),
    ],
  });

const dataItem = z
  .strictObject({
    name: text(100).meta({ description: '信息项名称, unique within the entry' }),
    dataType: z.enum(DATA_ITEM_TYPES).meta({
      description:
        '数据类型: string 字符型, integer 整数型, decimal 数值型, date 日期型, datetime 日期时间型, boolean 布尔型, binary 二进制, text 长文本',
    }),
    length: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: '数据长度; required for string, not used for decimal' }),
    precision: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: '精度; decimal only, required there' }),
    scale: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .meta({ description: '小数位数; decimal only, required there, at most precision' }),
    description: text(1000).optional().meta({ description: '信息项描述' }),
    key: z.boolean().meta({ description: '是否主键' }),
  })
  .meta({
    description: '信息项 (data item)',
    allOf: [
      when(
        { properties: { dataType: { const: 'string' } }, required: ['dataType'] },
        { required: ['length'] },
      ),
      when(
        { properties: { dataType: { const: 'decimal' } }, required: ['dataType'] },
        { required: ['precision', 'scale'], not: { required: ['length'] } },
        { not: { anyOf: [{ required: ['precision'] }, { required: ['scale'] }] } },
      ),
    ],
  });

const share = z
  .strictObject({
    type: z.enum(SHARE_TYPES).meta({
      description: '共享类型: unconditional 无条件共享, conditional 有条件共享, none 不予共享',
    }),
    condition: text(2000).optional().meta({
      description:
        '共享条件: conditions (conditional) or the legal/policy basis for not sharing (none); required for both',
    }),
    methods: z.array(z.enum(SHARE_METHODS)).optional().meta({
      description: '共享方式: platform 共享平台, email 邮件, disk 拷盘, interface 接口, file 文件',
      uniqueItems: true,
    }),
  })
  .meta({
    description: '共享属性 (share attributes)',
    allOf: [
      when(
        { properties: { type: { enum: ['conditional', 'none'] } }, required: ['type'] },
        { required: ['condition'] },
      ),
      when(
        { properties: { type: { enum: ['unconditional', 'conditional'] } }, required: ['type'] },
        { required: ['methods'], properties: { methods: { type: 'array', minItems: 1 } } },
        { properties: { methods: { type: 'array', maxItems: 0 } } },
      ),
    ],
  });

const open = z
  .strictObject({
    isOpen: z.boolean().meta({ description: '是否向社会开放' }),
    condition: text(2000).optional().meta({ description: '开放条件' }),
  })
  .meta({ description: '开放属性 (open attributes)' });

/**
 * The zod schema of a {@link CatalogEntry}'s shape. It checks each field on its own; the rules that relate
 * fields (code against classification, key items, share conditions…) run in `checkCatalogEntry`, so use that
 * or `validateCatalogEntry` rather than parsing with this schema directly.
 */
export const catalogEntrySchema = z
  .strictObject({
    classification,
    code: resourceCode.meta({
      description: '信息资源代码: 分类码 + "/" + 顺序码, e.g. 101001/000001; must match classification',
    }),
    name: text(200).meta({ description: '信息资源名称' }),
    provider: text(200).meta({ description: '信息资源提供方' }),
    providerCode: z.string().regex(PROVIDER_CODE_PATTERN, key('providerCode')).meta({
      description:
        '信息资源提供方代码: 统一社会信用代码 (GB 32100, check character verified) or a 2-12 character department code',
    }),
    summary: text(4000).meta({ description: '信息资源摘要' }),
    format,
    dataItems: z.array(dataItem).min(1).meta({ description: '信息项信息: at least one' }),
    share,
    open,
    updateCycle: z.enum(UPDATE_CYCLES).meta({
      description:
        '更新周期: realtime 实时, daily 每日, weekly 每周, monthly 每月, quarterly 每季度, semiannual 每半年, yearly 每年, irregular 不定期',
    }),
    releaseDate: z.iso.date(key('date')).meta({ description: '发布日期: YYYY-MM-DD' }),
    relatedCodes: z.array(resourceCode).optional().meta({ description: '关联资源代码', uniqueItems: true }),
    version: z.number().int().positive().meta({ description: '版本: positive integer' }),
    secrecy: z
      .literal('non-classified', {
        error: (issue) => (issue.input === undefined ? undefined : `${KEY_PREFIX}secrecy`),
      })
      .meta({ description: '涉密属性: only non-classified (非涉密) resources belong in Ferry' }),
    level: z.enum(CATALOG_LEVELS).meta({ description: '层级属性: department 部门, national 国家' }),
  })
  .meta({
    title: 'Ferry catalog entry (政务信息资源目录条目)',
    description:
      'Core metadata of a government information resource catalog entry per 政务信息资源目录编制指南（试行） and GB/T 21063.3.',
    allOf: [
      when(
        {
          properties: {
            format: {
              type: 'object',
              properties: { type: { enum: ['database', 'file'] } },
              required: ['type'],
            },
          },
          required: ['format'],
        },
        {
          properties: {
            dataItems: {
              type: 'array',
              contains: { type: 'object', properties: { key: { const: true } }, required: ['key'] },
            },
          },
        },
      ),
      when(
        {
          properties: {
            share: { type: 'object', properties: { type: { const: 'none' } }, required: ['type'] },
          },
          required: ['share'],
        },
        { properties: { open: { type: 'object', properties: { isOpen: { const: false } } } } },
      ),
    ],
  });

// The hand-written types and the schema must describe the same data.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agrees: [
  Same<z.infer<typeof catalogEntrySchema>, CatalogEntry>,
  Same<z.infer<typeof classification>, CatalogClassification>,
  Same<z.infer<typeof dataItem>, DataItem>,
  Same<z.infer<typeof share>, ShareAttributes>,
  Same<z.infer<typeof open>, OpenAttributes>,
  Same<z.infer<typeof format>, ResourceFormat>,
] = [true, true, true, true, true, true];
void agrees;
