import type { ColumnType } from '@ferry/sdk/connector';

/** information_schema `DATA_TYPE` (and `COLUMN_TYPE` for the cases it decides) → Ferry column type. */
export function columnTypeOf(dataType: string, columnType: string): ColumnType {
  switch (dataType.toLowerCase()) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'year':
      // TINYINT(1) stays an integer: applications store 2, -1… in "booleans" too, and Ferry never guesses.
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'decimal':
    case 'numeric':
      return 'decimal';
    case 'float':
    case 'double':
    case 'real':
      return 'float';
    case 'bit':
      return /^bit\(1\)/i.test(columnType) ? 'boolean' : 'binary';
    case 'char':
    case 'varchar':
    case 'enum':
    case 'set':
      return 'string';
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return 'text';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return 'binary';
    case 'date':
      return 'date';
    case 'datetime':
      return 'timestamp';
    case 'timestamp':
      // A TIMESTAMP is an instant (stored in UTC, shown in the session zone): Ferry reads it as UTC.
      return 'timestamptz';
    case 'time':
      return 'time';
    case 'json':
      return 'json';
    default:
      // Spatial types are read as WKT text.
      return 'other';
  }
}

/** Spatial types, selected with `ST_AsText`. */
export const SPATIAL_TYPES = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);
