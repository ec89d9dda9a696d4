export { CHANGES_CONTENT_TYPE, type Change } from './change.js';
export { decodeChanges, encodeChangeLine, encodeChanges } from './codec.js';
export {
  ChangeEncoder,
  changeCount,
  type EncodedChanges,
  encodedChanges,
  withEncodedChanges,
} from './encoded.js';
export {
  DateOnly,
  Decimal,
  decodeRecord,
  decodeValue,
  type EncodedValue,
  encodeRecord,
  encodeValue,
  type FerryRecord,
  type FerryValue,
  Timestamp,
  wireValueProblem,
} from './values.js';
export { isWireRecordText } from './wire-text.js';
