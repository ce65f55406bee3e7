/** CSV functions over one record: from_csv, to_csv, schema_of_csv (Spark's CSV options subset). */
import type { DataType, StructField } from '../../plan/data-type.js';
import { T, typeSql } from '../../plan/type-utils.js';
import { fitsPrecision, formatDecimal, parseDecimal, rescale } from '../decimal.js';
import type { EvalContext } from '../eval-context.js';
import { formatValue, javaDouble, javaFloat } from '../format-value.js';
import { constValue, optionsArg } from './const-eval.js';
import { malformedRecord } from './fn-errors.js';
import { callSql, coerceArgs } from './helpers.js';
import { schemaArg } from './json-fns.js';
import { dataTypeMismatch, register } from './registry.js';
import {
  type DatetimeOptions,
  datetimeOptions,
  formatDateText,
  formatTimestampNtzText,
  formatTimestampText,
  parseDateText,
  parseTimestampText,
} from './text-values.js';

interface CsvOptions extends DatetimeOptions {
  sep: string;
  quote: string;
  escape: string;
  nullValue: string;
  ignoreLeadingWhiteSpace: boolean;
  ignoreTrailingWhiteSpace: boolean;
  failFast: boolean;
}

function csvOptions(o: Map<string, string>, reading: boolean): CsvOptions {
  return {
    ...datetimeOptions(o),
    sep: o.get('sep') ?? o.get('delimiter') ?? ',',
    quote: o.get('quote') ?? '"',
    escape: o.get('escape') ?? '\\',
    nullValue: o.get('nullvalue') ?? '',
    ignoreLeadingWhiteSpace: (o.get('ignoreleadingwhitespace') ?? String(!reading)) === 'true',
    ignoreTrailingWhiteSpace: (o.get('ignoretrailingwhitespace') ?? String(!reading)) === 'true',
    failFast: o.get('mode')?.toUpperCase() === 'FAILFAST',
  };
}

/** Splits one CSV record into fields; quoted fields keep their separators and escaped quotes. */
export function splitCsv(line: string, o: CsvOptions): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let i = 0;
  for (;;) {
    let text = '';
    let quoted = false;
    let j = i;
    while (j < line.length && line[j] === ' ' && line[j] !== o.sep) j++;
    if (line[j] === o.quote) {
      quoted = true;
      j++;
      while (j < line.length) {
        const c = line[j]!;
        if ((c === o.escape || c === o.quote) && line[j + 1] === o.quote) {
          text += o.quote;
          j += 2;
        } else if (c === o.quote) {
          j++;
          break;
        } else {
          text += c;
          j++;
        }
      }
      while (j < line.length && !line.startsWith(o.sep, j)) j++;
    } else {
      const k = line.indexOf(o.sep, i);
      j = k < 0 ? line.length : k;
      text = line.slice(i, j);
      if (o.ignoreLeadingWhiteSpace) text = text.replace(/^\s+/, '');
      if (o.ignoreTrailingWhiteSpace) text = text.replace(/\s+$/, '');
    }
    out.push({ text, quoted });
    if (j >= line.length) return out;
    i = j + o.sep.length;
  }
}

class BadField extends Error {}
const bad = (): never => {
  throw new BadField();
};

/** UnivocityParser's conversion of one field's text; numbers tolerate surrounding spaces like Java's parsers. */
function fromCsvText(s: string, t: DataType, o: CsvOptions, ctx: EvalContext): unknown {
  const n = s.trim();
  const int = (min: bigint, max: bigint): bigint => {
    if (!/^[+-]?\d+$/.test(n)) bad();
    const x = BigInt(n);
    return x < min || x > max ? bad() : x;
  };
  switch (t.type) {
    case 'string':
      return s;
    case 'byte':
      return Number(int(-128n, 127n));
    case 'short':
      return Number(int(-32768n, 32767n));
    case 'integer':
      return Number(int(-2147483648n, 2147483647n));
    case 'long':
      return int(-(2n ** 63n), 2n ** 63n - 1n);
    case 'float':
    case 'double': {
      if (['NaN', 'Inf', '+Inf', 'Infinity', '+Infinity'].includes(n)) return n === 'NaN' ? Number.NaN : Number.POSITIVE_INFINITY;
      if (['-Inf', '-Infinity'].includes(n)) return Number.NEGATIVE_INFINITY;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(n)) bad();
      const x = Number(n.replace(/[dDfF]$/, ''));
      return t.type === 'float' ? Math.fround(x) : x;
    }
    case 'decimal': {
      const p = parseDecimal(n);
      if (!p) return bad();
      const r = rescale(p[0], p[1], t.scale);
      return fitsPrecision(r, t.precision) ? r : bad();
    }
    case 'boolean': {
      const b = n.toLowerCase();
      return b === 'true' ? true : b === 'false' ? false : bad();
    }
    case 'date': {
      const d = parseDateText(n, o, ctx);
      return d === null ? bad() : d;
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const ts = parseTimestampText(n, t, o, ctx);
      return ts === null ? bad() : ts;
    }
    case 'binary':
      return new TextEncoder().encode(s);
    case 'null':
      return null;
    default:
      return bad();
  }
}

register({
  name: 'from_csv',
  arity: [2, 3],
  resolve(args, ctx, called) {
    const fnSql = callSql(called, args);
    const [csv] = coerceArgs(called, [args[0]!], ['string'], ctx);
    const schema = schemaArg(args[1]!);
    if (schema.type !== 'struct') throw dataTypeMismatch('INVALID_SCHEMA', fnSql, `The input schema "${typeSql(schema)}" must be a struct.`);
    const nullableSchema = T.struct(schema.fields.map((f) => ({ ...f, nullable: true })));
    return {
      args: [csv!],
      type: nullableSchema,
      nullable: true,
      opts: { schema: nullableSchema, o: csvOptions(optionsArg(args[2], fnSql), true) },
      sql: `${called}(${args[0]!.sql})`,
    };
  },
  row([s], ctx, node) {
    const t = node.opts!.schema as Extract<DataType, { type: 'struct' }>;
    const o = node.opts!.o as CsvOptions;
    const fields = splitCsv(s as string, o);
    return t.fields.map((f, i) => {
      const cell = fields[i];
      if (cell === undefined || (!cell.quoted && cell.text === o.nullValue)) return null;
      try {
        return fromCsvText(cell.text, f.dataType, o, ctx);
      } catch (e) {
        if (!(e instanceof BadField)) throw e;
        if (o.failFast) throw malformedRecord(s as string);
        return null;
      }
    });
  },
});

function csvCell(t: DataType, v: unknown, o: CsvOptions, tz: string): string {
  if (v === null || v === undefined) return o.nullValue;
  let s: string;
  switch (t.type) {
    case 'timestamp':
      s = formatTimestampText(Number(v), tz, o);
      break;
    case 'timestamp_ntz':
      s = formatTimestampNtzText(Number(v), o);
      break;
    case 'date':
      s = formatDateText(v as number, o);
      break;
    case 'double':
      s = javaDouble(v as number);
      break;
    case 'float':
      s = javaFloat(v as number);
      break;
    case 'decimal':
      s = formatDecimal(BigInt(v as bigint), t.scale);
      break;
    default:
      s = formatValue(t, v, { timeZone: tz });
  }
  const needsQuotes = s.includes(o.sep) || s.includes(o.quote) || /[\r\n]/.test(s) || (s === '' && o.nullValue === '');
  return needsQuotes ? `${o.quote}${s.split(o.quote).join(o.escape + o.quote)}${o.quote}` : s;
}

register({
  name: 'to_csv',
  arity: [1, 2],
  resolve(args, _ctx, called) {
    const fnSql = callSql(called, args);
    const a = args[0]!;
    if (a.type.type !== 'struct')
      throw dataTypeMismatch('UNEXPECTED_INPUT_TYPE', fnSql, `The first parameter requires the "STRUCT" type, however "${a.sql}" has the type "${typeSql(a.type)}".`);
    return { args: [a], type: T.string, nullable: a.nullable, opts: { o: csvOptions(optionsArg(args[1], fnSql), false) }, sql: `${called}(${a.sql})` };
  },
  row([v], ctx, node) {
    const t = node.args[0]!.type as Extract<DataType, { type: 'struct' }>;
    const o = node.opts!.o as CsvOptions;
    return t.fields.map((f, i) => csvCell(f.dataType, (v as unknown[])[i], o, ctx.timeZone)).join(o.sep);
  },
});

/** CSVInferSchema for one field's text: INT, BIGINT, DECIMAL, DOUBLE, BOOLEAN, TIMESTAMP or STRING. */
function inferCsvField(s: string, o: CsvOptions): DataType {
  const n = s.trim();
  if (n === o.nullValue) return T.null;
  if (/^[+-]?\d+$/.test(n)) {
    const x = BigInt(n);
    if (x >= -2147483648n && x <= 2147483647n) return T.int;
    if (x >= -(2n ** 63n) && x < 2n ** 63n) return T.long;
    const digits = n.replace(/^[+-]/, '').length;
    return digits <= 38 ? T.decimal(digits, 0) : T.string;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(n) || ['NaN', 'Infinity', '-Infinity'].includes(n)) return T.double;
  if (/^(true|false)$/i.test(n)) return T.boolean;
  return T.string;
}

register({
  name: 'schema_of_csv',
  arity: [1, 2],
  resolve(args, _ctx, called) {
    const fnSql = callSql(called, args);
    const c = constValue(args[0]!);
    if (c === undefined || c.value === null)
      throw dataTypeMismatch('NON_FOLDABLE_INPUT', fnSql, `the input csv should be a foldable "STRING" expression; however, got "${args[0]!.sql}".`);
    const o = csvOptions(optionsArg(args[1], fnSql), true);
    const fields = splitCsv(String(c.value), o).map(
      (cell, i) =>
        ({ name: `_c${i}`, dataType: cell.quoted ? T.string : ((t) => (t.type === 'null' ? T.string : t))(inferCsvField(cell.text, o)), nullable: true, metadata: {} }) as StructField,
    );
    return { args: [], type: T.string, nullable: false, opts: { text: typeSql(T.struct(fields)) }, sql: `${called}(${args[0]!.sql})` };
  },
  nullSafe: true,
  row(_vals, _ctx, node) {
    return node.opts!.text;
  },
});
