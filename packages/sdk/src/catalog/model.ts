// The typed catalog entry: the core metadata of the compilation guide and GB/T 21063.3, with English keys.
import type { CatalogClassification } from './classification.js';

/** Kind of a resource (信息资源格式的类型). */
export type ResourceFormatType = 'database' | 'file' | 'interface' | 'image' | 'audio-video' | 'other';

/** All {@link ResourceFormatType} values. */
export const RESOURCE_FORMAT_TYPES = [
  'database',
  'file',
  'interface',
  'image',
  'audio-video',
  'other',
] as const satisfies readonly ResourceFormatType[];

/** The form a resource takes (信息资源格式). */
export interface ResourceFormat {
  /** 格式类型: 数据库, 电子文件, 接口, 图像, 音视频 or 其他. */
  type: ResourceFormatType;
  /**
   * 具体格式: e.g. `'csv'`, `'xlsx'`, `'ofd'` for files, `'oracle table'` for databases, `'rest'` for interfaces.
   * Required for `file` and `other`.
   */
  detail?: string;
}

/** Data type of a data item (数据类型). */
export type DataItemType =
  | 'string'
  | 'integer'
  | 'decimal'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'binary'
  | 'text';

/** All {@link DataItemType} values. */
export const DATA_ITEM_TYPES = [
  'string',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'binary',
  'text',
] as const satisfies readonly DataItemType[];

/** One field of a resource (信息项). */
export interface DataItem {
  /** 信息项名称, unique within the entry. */
  name: string;
  /**
   * 数据类型: `string` 字符型, `integer` 整数型, `decimal` 数值型 (exact, with precision and scale),
   * `date` 日期型, `datetime` 日期时间型, `boolean` 布尔型, `binary` 二进制, `text` 长文本.
   */
  dataType: DataItemType;
  /** 数据长度: characters for `string` (required there), digits for `integer`, bytes for `binary`. */
  length?: number;
  /** 精度: total digits of a `decimal` (required there, only there). */
  precision?: number;
  /** 小数位数: digits after the point of a `decimal` (required there, only there), at most `precision`. */
  scale?: number;
  /** 信息项描述. */
  description?: string;
  /** 是否主键: true when the item is (part of) the key that identifies a record. */
  key: boolean;
}

/** Share type (共享类型). */
export type ShareType = 'unconditional' | 'conditional' | 'none';

/** All {@link ShareType} values: 无条件共享, 有条件共享, 不予共享. */
export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const satisfies readonly ShareType[];

/** How a shared resource is delivered (共享方式). */
export type ShareMethod = 'platform' | 'email' | 'disk' | 'interface' | 'file';

/** All {@link ShareMethod} values: 共享平台, 邮件, 拷盘, 接口, 文件. */
export const SHARE_METHODS = [
  'platform',
  'email',
  'disk',
  'interface',
  'file',
] as const satisfies readonly ShareMethod[];

/** Share attributes (共享属性). */
export interface ShareAttributes {
  /** 共享类型: `unconditional` 无条件共享, `conditional` 有条件共享, `none` 不予共享. */
  type: ShareType;
  /**
   * 共享条件: for `conditional`, the conditions a requester must meet; for `none`, the law, regulation or
   * policy that forbids sharing. Required for both.
   */
  condition?: string;
  /** 共享方式: at least one for `unconditional` and `conditional`; none for `none`. */
  methods?: ShareMethod[];
}

/** Open attributes (开放属性): whether the resource is open to the public. */
export interface OpenAttributes {
  /** 是否向社会开放. */
  isOpen: boolean;
  /** 开放条件. */
  condition?: string;
}

/** Update cycle (更新周期). */
export type UpdateCycle =
  | 'realtime'
  | 'daily'
  | 'weekly'
  | 'monthly'
  | 'quarterly'
  | 'semiannual'
  | 'yearly'
  | 'irregular';

/** All {@link UpdateCycle} values: 实时, 每日, 每周, 每月, 每季度, 每半年, 每年, 不定期. */
export const UPDATE_CYCLES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'semiannual',
  'yearly',
  'irregular',
] as const satisfies readonly UpdateCycle[];

/** Secrecy classification (涉密属性). Only non-classified (非涉密) resources belong in Ferry. */
export type Secrecy = 'non-classified';

/** Catalog level (层级属性): a department's own catalog or the national catalog. */
export type CatalogLevel = 'department' | 'national';

/** All {@link CatalogLevel} values: 部门政务信息资源目录, 国家政务信息资源目录. */
export const CATALOG_LEVELS = ['department', 'national'] as const satisfies readonly CatalogLevel[];

/**
 * One entry of a government information resource catalog (政务信息资源目录条目), with the core
 * metadata of the 政务信息资源目录编制指南（试行） and GB/T 21063.3. Check untrusted input with
 * `validateCatalogEntry` before using it as this type.
 */
export interface CatalogEntry {
  /** 信息资源分类: 类 · 项 · 目 · 细目. */
  classification: CatalogClassification;
  /** 信息资源代码: 分类码 + `/` + 顺序码, e.g. `101001/000001`; the digits before the slash match `classification`. */
  code: string;
  /** 信息资源名称. */
  name: string;
  /** 信息资源提供方: name of the providing department. */
  provider: string;
  /** 信息资源提供方代码: the provider's 统一社会信用代码 (GB 32100) or department code. */
  providerCode: string;
  /** 信息资源摘要: what the resource contains and what it is for. */
  summary: string;
  /** 信息资源格式. */
  format: ResourceFormat;
  /** 信息项信息: the fields of the resource, at least one. */
  dataItems: DataItem[];
  /** 共享属性. */
  share: ShareAttributes;
  /** 开放属性. */
  open: OpenAttributes;
  /** 更新周期. */
  updateCycle: UpdateCycle;
  /** 发布日期: `YYYY-MM-DD`. */
  releaseDate: string;
  /** 关联资源代码: codes of related resources. */
  relatedCodes?: string[];
  /** 版本: a positive integer, raised by one for each revision of a published entry. */
  version: number;
  /** 涉密属性: always `'non-classified'` (非涉密). */
  secrecy: Secrecy;
  /** 层级属性: department (部门) or national (国家) catalog. */
  level: CatalogLevel;
}
