/**
 * Spark SQL type names → DataType: every alias Spark accepts (`byte`/`tinyint`, `long`/`bigint`,
 * `dec`/`numeric`, `varchar(n)` → string, ...), nested `array<>`, `map<>`, `struct<>`, and table
 * schemas (`a int, b string NOT NULL COMMENT 'x'`).
 */
import type { DataType, StructField, StructType } from '../plan/data-type.js';
import { parseError } from './parse-error.js';
import { ParserBase } from './parser-base.js';

const SIMPLE: Record<string, DataType> = {
  BOOLEAN: { type: 'boolean' },
  TINYINT: { type: 'byte' },
  BYTE: { type: 'byte' },
  SMALLINT: { type: 'short' },
  SHORT: { type: 'short' },
  INT: { type: 'integer' },
  INTEGER: { type: 'integer' },
  BIGINT: { type: 'long' },
  LONG: { type: 'long' },
  FLOAT: { type: 'float' },
  REAL: { type: 'float' },
  DOUBLE: { type: 'double' },
  DATE: { type: 'date' },
  TIMESTAMP: { type: 'timestamp' },
  TIMESTAMP_LTZ: { type: 'timestamp' },
  TIMESTAMP_NTZ: { type: 'timestamp_ntz' },
  STRING: { type: 'string' },
  BINARY: { type: 'binary' },
  VOID: { type: 'null' },
};

const YM: Record<string, number> = { YEAR: 0, MONTH: 1 };
const DT: Record<string, number> = { DAY: 0, HOUR: 1, MINUTE: 2, SECOND: 3 };

export class DataTypeParser extends ParserBase {
  parseDataTypeInner(): DataType {
    const t = this.tok;
    if (t.kind !== 'word') this.fail();
    const name = t.upper;
    this.advance();
    const simple = SIMPLE[name];
    if (simple !== undefined) {
      // `STRING COLLATE UTF8_LCASE`: collations do not change the physical type.
      if (name === 'STRING' && this.acceptKw('COLLATE')) this.identifier();
      return simple;
    }
    switch (name) {
      case 'CHAR':
      case 'CHARACTER':
      case 'VARCHAR': {
        this.expectOp('(');
        this.integer();
        this.expectOp(')');
        return { type: 'string' };
      }
      case 'DECIMAL':
      case 'DEC':
      case 'NUMERIC': {
        if (!this.acceptOp('(')) return { type: 'decimal', precision: 10, scale: 0 };
        const precision = this.integer();
        const scale = this.acceptOp(',') ? this.integer() : 0;
        this.expectOp(')');
        if (precision < 1 || precision > 38 || scale > precision) {
          throw parseError(
            'DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION',
            `Decimal precision ${precision} exceeds max precision 38.`,
            '22003',
            { precision: String(precision), maxPrecision: '38' },
          );
        }
        return { type: 'decimal', precision, scale };
      }
      case 'INTERVAL':
        return this.intervalType();
      case 'TIME': {
        // TIME[(p)], p in 0..6 (Spark 4.1); `TIME WITHOUT TIME ZONE` is the same type.
        let precision = 6;
        if (this.acceptOp('(')) {
          precision = this.integer();
          this.expectOp(')');
          if (precision < 0 || precision > 6)
            throw parseError('UNSUPPORTED_TIME_PRECISION', `The seconds precision ${precision} of the TIME data type is out of the supported range [0, 6].`, '0A001', { precision: String(precision) });
        }
        if (this.acceptKw('WITHOUT')) {
          this.expectKw('TIME');
          this.expectKw('ZONE');
        }
        return { type: 'time', precision };
      }
      case 'ARRAY': {
        this.expectOp('<');
        const elementType = this.parseDataTypeInner();
        this.expectCloseAngle();
        return { type: 'array', elementType, containsNull: true };
      }
      case 'MAP': {
        this.expectOp('<');
        const keyType = this.parseDataTypeInner();
        this.expectOp(',');
        const valueType = this.parseDataTypeInner();
        this.expectCloseAngle();
        return { type: 'map', keyType, valueType, valueContainsNull: true };
      }
      case 'STRUCT': {
        if (this.acceptOp('<>')) return { type: 'struct', fields: [] };
        this.expectOp('<');
        const fields: StructField[] = [];
        if (!this.isOp('>') && !this.isOp('>>') && !this.isOp('>>>')) {
          do fields.push(this.structField(true));
          while (this.acceptOp(','));
        }
        this.expectCloseAngle();
        return { type: 'struct', fields };
      }
      default:
        throw parseError('UNSUPPORTED_DATATYPE', `Unsupported data type "${t.text.toUpperCase()}".`, '0A000', {
          typeName: `"${t.text.toUpperCase()}"`,
        });
    }
  }

  private intervalType(): DataType {
    const from = this.tok.upper;
    if (this.tok.kind !== 'word' || !(from in YM || from in DT)) return { type: 'calendar_interval' };
    this.advance();
    let to = from;
    if (this.acceptKw('TO')) {
      to = this.tok.upper;
      this.advance();
    }
    if (from in YM && to in YM && (YM[from] as number) <= (YM[to] as number)) {
      return { type: 'year_month_interval', startField: YM[from] as number, endField: YM[to] as number };
    }
    if (from in DT && to in DT && (DT[from] as number) <= (DT[to] as number)) {
      return { type: 'day_time_interval', startField: DT[from] as number, endField: DT[to] as number };
    }
    return this.fail(this.toks[this.pos - 1]);
  }

  /** `name [:] type [NOT NULL] [COMMENT 'text']` (struct fields and table columns). */
  protected structField(colonAllowed: boolean): StructField {
    const name = this.identifier();
    if (colonAllowed) this.acceptOp(':');
    const dataType = this.parseDataTypeInner();
    let nullable = true;
    if (this.acceptKw('NOT', 'NULL')) nullable = false;
    const field: StructField = { name, dataType, nullable };
    if (this.acceptKw('COMMENT')) field.metadata = JSON.stringify({ comment: this.stringLiteral() });
    return field;
  }

  /** `a int, b string` → struct. */
  parseTableSchemaInner(): StructType {
    const fields: StructField[] = [];
    if (this.atEnd()) return { type: 'struct', fields };
    do fields.push(this.structField(true));
    while (this.acceptOp(','));
    return { type: 'struct', fields };
  }

  protected integer(): number {
    const t = this.tok;
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail();
    this.advance();
    return Number(t.text);
  }
}
