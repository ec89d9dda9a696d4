import type { ColumnType } from '@ferry/sdk/connector';

/** information_schema `data_type` → Ferry column type. */
export function columnTypeOf(dataType: string): ColumnType {
  switch (dataType) {
    case 'smallint':
    case 'integer':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'numeric':
      return 'decimal';
    case 'real':
    case 'double precision':
      return 'float';
    case 'boolean':
      return 'boolean';
    case 'character varying':
    case 'character':
      return 'string';
    case 'text':
    case 'xml':
      return 'text';
    case 'date':
      return 'date';
    case 'time without time zone':
    case 'time with time zone':
      return 'time';
    case 'timestamp without time zone':
      return 'timestamp';
    case 'timestamp with time zone':
      return 'timestamptz';
    case 'bytea':
      return 'binary';
    case 'json':
    case 'jsonb':
      return 'json';
    case 'uuid':
      return 'uuid';
    default:
      // money, interval, arrays, enums, ranges, network types…: their text form, as PostgreSQL prints it.
      return 'other';
  }
}
