/**
 * `@ferry/connector-file`: turns a drop folder of legacy exports (CSV, TSV, NDJSON, JSON arrays, XLSX in
 * UTF-8, GBK or GB18030) into Ferry change streams, comparing each full export with the previous one.
 */
export {
  type ColumnConfig,
  parseResourceConfig,
  type ResourceConfig,
  type ResourceConfigInput,
} from './config/resource-config.js';
export {
  createDropFolder,
  type DropFolder,
  type DropFolderEvent,
  type DropFolderOptions,
  type DropFolderResource,
} from './drop-folder/drop-folder.js';
export type { FileEncoding } from './encoding/decoder.js';
export { type DetectedEncoding, detectEncoding } from './encoding/detect.js';
export { decodeCursor, type FileCursor } from './process/cursor.js';
export {
  configFingerprint,
  type FileOutcome,
  FileResource,
  type FileResourceOptions,
  type QuarantineReason,
} from './process/file-resource.js';
export { type ProcessFileOptions, processFile } from './process/process-file.js';
export type { BadRow, BadRowReason } from './rows/bad-row.js';
export { SYNTHETIC_KEY } from './rows/row-mapper.js';
export {
  type ColumnType,
  createValueParser,
  ValueError,
  type ValueParser,
  type ValueParserOptions,
} from './values/parse-value.js';
