/**
 * JSON functions: get_json_object, json_tuple's kernel, json_array_length, json_object_keys,
 * from_json, to_json and schema_of_json.
 */
import type { DataType, StructField } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, commonType, isNumeric, typeSql } from '../../plan/type-utils.js';
import { parseDataType, parseTableSchema } from '../../sql/index.js';
import { fitsPrecision, formatDecimal, parseDecimal, rescale } from '../decimal.js';
import type { EvalContext } from '../eval-context.js';
import { formatValue, javaDouble, javaFloat } from '../format-value.js';
import { constValue, optionsArg } from './const-eval.js';
import { invalidSchema, malformedRecord } from './fn-errors.js';
import { callSql, coerceArgs, defRow } from './helpers.js';
import { type JVal, type JsonReadOptions, isNum, isObj, jsonString, tryReadJson, writeJson } from './json-text.js';
import { dataTypeMismatch, lookupFunction, register } from './registry.js';
import {
  type DatetimeOptions,
  datetimeOptions,
  formatDateText,
  formatTimestampNtzText,
  formatTimestampText,
  parseDateText,
  parseTimestampText,
} from './text-values.js';

// ---- get_json_object / json_tuple ----

type PathStep = { k: 'key'; name: string } | { k: 'index'; n: number } | { k: 'wild' };

/** Spark's JSON path subset: `$`, `.name`, `['name']`, `[n]`, `[*]`; null when malformed. */
export function parseJsonPath(path: string): PathStep[] | null {
  if (!path.startsWith('$')) return null;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const name = path.slice(i + 1, j);
      if (name === '') return null;
      steps.push(name === '*' ? { k: 'wild' } : { k: 'key', name });
      i = j;
    } else if (path[i] === '[') {
      const j = path.indexOf(']', i);
      if (j < 0) return null;
      const inner = path.slice(i + 1, j);
      if (inner === '*') steps.push({ k: 'wild' });
      else if (/^\d+$/.test(inner)) steps.push({ k: 'index', n: Number(inner) });
      else if (/^'[^']*'$/.test(inner)) steps.push({ k: 'key', name: inner.slice(1, -1) });
      else return null;
      i = j + 1;
    } else return null;
  }
  return steps;
}

function evalPath(v: JVal, steps: PathStep[], i: number, out: JVal[]): void {
  if (i === steps.length) {
    out.push(v);
    return;
  }
  const s = steps[i]!;
  if (s.k === 'key') {
    if (!isObj(v)) return;
    const e = v.entries.find(([k]) => k === s.name);
    if (e) evalPath(e[1], steps, i + 1, out);
  } else if (s.k === 'index') {
    if (Array.isArray(v) && s.n < v.length) evalPath(v[s.n]!, steps, i + 1, out);
  } else if (Array.isArray(v)) for (const x of v) evalPath(x, steps, i + 1, out);
  else if (isObj(v)) for (const [, x] of v.entries) evalPath(x, steps, i + 1, out);
}

/** A matched JSON value as get_json_object returns it: strings unquoted, JSON null as NULL. */
const rawText = (v: JVal): string | null => (v === null ? null : typeof v === 'string' ? v : writeJson(v));

export function getJsonObject(json: string, steps: PathStep[]): string | null {
  const root = tryReadJson(json);
  if (root === undefined) return null;
  const out: JVal[] = [];
  evalPath(root, steps, 0, out);
  if (!steps.some((s) => s.k === 'wild')) return out.length ? rawText(out[0]!) : null;
  // Wildcard matches are written quoted; a single match drops the enclosing brackets.
  if (out.length === 0) return null;
  return out.length === 1 ? writeJson(out[0]!) : writeJson(out);
}

register({
  name: 'get_json_object',
  arity: [2, 2],
  resolve(args, ctx, called) {
    const coerced = coerceArgs(called, args, ['string', 'string'], ctx);
    const p = coerced[1]!;
    const c = constValue(p);
    return { args: coerced, type: T.string, nullable: true, opts: c ? { steps: c.value === null ? null : parseJsonPath(String(c.value)) } : {} };
  },
  row([json, path], _ctx, node) {
    const steps = node.opts && 'steps' in node.opts ? (node.opts.steps as PathStep[] | null) : parseJsonPath(path as string);
    return steps ? getJsonObject(json as string, steps) : null;
  },
});

/** json_tuple's kernel: a struct of the top-level fields' text, expanded by the generator. */
register({
  name: 'json_tuple',
  arity: [2, -1],
  resolve(args, ctx, called) {
    const coerced = coerceArgs(called, args, ['string', 'string'], ctx);
    const fields: StructField[] = coerced.slice(1).map((_, i) => ({ name: `c${i}`, dataType: T.string, nullable: true, metadata: {} }) as StructField);
    return { args: coerced, type: T.struct(fields), nullable: false };
  },
  nullSafe: true,
  row(vals) {
    const root = vals[0] === null ? undefined : tryReadJson(vals[0] as string);
    return vals.slice(1).map((name) => {
      if (root === undefined || name === null || !isObj(root)) return null;
      const e = root.entries.find(([k]) => k === name);
      return e ? rawText(e[1]) : null;
    });
  },
});

defRow('json_array_length', {
  args: ['string'],
  ret: T.int,
  nullable: true,
  row: ([s]) => {
    const v = tryReadJson(s as string);
    return Array.isArray(v) ? v.length : null;
  },
});
defRow('json_object_keys', {
  args: ['string'],
  ret: T.array(T.string),
  nullable: true,
  row: ([s]) => {
    const v = tryReadJson(s as string);
    return v !== undefined && isObj(v) ? v.entries.map(([k]) => k) : null;
  },
});

// ---- from_json ----

class BadValue extends Error {}
const bad = (): never => {
  throw new BadValue();
};

interface ReadCtx extends DatetimeOptions {
  ctx: EvalContext;
}

function intOf(v: JVal, min: bigint, max: bigint): bigint {
  if (!isNum(v) || !/^-?\d+$/.test(v.num)) return bad();
  const x = BigInt(v.num);
  if (x < min || x > max) bad();
  return x;
}

/** Converts a parsed JSON value to the engine value of type t (JacksonParser's rules); throws BadValue. */
function fromJsonValue(v: JVal, t: DataType, rc: ReadCtx): unknown {
  if (v === null) return null;
  switch (t.type) {
    case 'struct': {
      if (!isObj(v)) return bad();
      const row: unknown[] = t.fields.map(() => null);
      for (const [k, x] of v.entries) {
        const i = t.fields.findIndex((f) => f.name === k);
        if (i >= 0) row[i] = fromJsonValue(x, t.fields[i]!.dataType, rc);
      }
      return row;
    }
    case 'array':
      if (!Array.isArray(v)) return bad();
      return v.map((x) => fromJsonValue(x, t.elementType, rc));
    case 'map': {
      if (!isObj(v)) return bad();
      return { keys: v.entries.map(([k]) => fromJsonValue(k, t.keyType, rc)), values: v.entries.map(([, x]) => fromJsonValue(x, t.valueType, rc)) };
    }
    case 'string':
      return typeof v === 'string' ? v : writeJson(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : bad();
    case 'byte':
      return Number(intOf(v, -128n, 127n));
    case 'short':
      return Number(intOf(v, -32768n, 32767n));
    case 'integer':
      return Number(intOf(v, -2147483648n, 2147483647n));
    case 'long':
      return intOf(v, -(2n ** 63n), 2n ** 63n - 1n);
    case 'float':
    case 'double': {
      if (isNum(v)) return Number(v.num.replace(/^\+/, ''));
      if (typeof v === 'string' && ['NaN', 'Infinity', '-Infinity', '+Infinity'].includes(v)) return Number(v.replace(/^\+/, ''));
      return bad();
    }
    case 'decimal': {
      const p = isNum(v) ? parseDecimal(v.num) : typeof v === 'string' ? parseDecimal(v) : null;
      if (!p) return bad();
      const r = rescale(p[0], p[1], t.scale);
      return fitsPrecision(r, t.precision) ? r : bad();
    }
    case 'date': {
      if (typeof v !== 'string') return isNum(v) && /^-?\d+$/.test(v.num) ? Number(v.num) : bad();
      const d = parseDateText(v, rc, rc.ctx);
      return d === null ? bad() : d;
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      if (typeof v !== 'string') return isNum(v) && /^-?\d+$/.test(v.num) ? BigInt(v.num) * 1_000_000n : bad();
      const ts = parseTimestampText(v, t, rc, rc.ctx);
      return ts === null ? bad() : ts;
    }
    case 'binary':
      return typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : bad();
    case 'null':
      return null;
    default:
      return bad();
  }
}

/** A struct whose fields could not all be read keeps the ones that could (PERMISSIVE mode). */
function fromJsonStruct(v: JVal, t: Extract<DataType, { type: 'struct' }>, rc: ReadCtx): unknown[] {
  if (!isObj(v)) bad();
  const row: unknown[] = t.fields.map(() => null);
  let failed = false;
  for (const [k, x] of (v as { entries: [string, JVal][] }).entries) {
    const i = t.fields.findIndex((f) => f.name === k);
    if (i < 0) continue;
    try {
      row[i] = fromJsonValue(x, t.fields[i]!.dataType, rc);
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      failed = true;
    }
  }
  if (failed) throw Object.assign(new BadValue(), { partial: row });
  return row;
}

function asNullable(t: DataType): DataType {
  switch (t.type) {
    case 'struct':
      return T.struct(t.fields.map((f) => ({ ...f, nullable: true, dataType: asNullable(f.dataType) })));
    case 'array':
      return T.array(asNullable(t.elementType), true);
    case 'map':
      return T.map(asNullable(t.keyType), asNullable(t.valueType), true);
    default:
      return t;
  }
}

/** Spark accepts a DDL schema (`a INT, b STRING`) or a type (`ARRAY<INT>`), as a constant string. */
export function schemaArg(e: RExpr): DataType {
  const c = constValue(e);
  if (c === undefined || (e.type.type !== 'string' && e.type.type !== 'null') || c.value === null) throw invalidSchema('NON_STRING_LITERAL', `"${e.sql}"`);
  const text = String(c.value);
  try {
    return parseTableSchema(text);
  } catch {
    try {
      return parseDataType(text);
    } catch {
      throw invalidSchema('PARSE_ERROR', `"${text}"`);
    }
  }
}

function jsonReadOptions(o: Map<string, string>): JsonReadOptions {
  return {
    allowNumericLeadingZeros: o.get('allownumericleadingzeros') === 'true',
    allowSingleQuotes: o.get('allowsinglequotes') !== 'false',
    allowNonNumericNumbers: o.get('allownonnumericnumbers') !== 'false',
  };
}

register({
  name: 'from_json',
  arity: [2, 3],
  resolve(args, ctx, called) {
    const fnSql = callSql(called, args);
    const [json] = coerceArgs(called, [args[0]!], ['string'], ctx);
    const schema = asNullable(schemaArg(args[1]!));
    const o = optionsArg(args[2], fnSql);
    return {
      args: [json!],
      type: schema,
      nullable: true,
      opts: { schema, read: jsonReadOptions(o), dt: datetimeOptions(o), failFast: o.get('mode')?.toUpperCase() === 'FAILFAST' },
      sql: `${called}(${args[0]!.sql})`,
    };
  },
  row([s], ctx, node) {
    const o = node.opts!;
    const t = o.schema as DataType;
    const rc: ReadCtx = { ...(o.dt as DatetimeOptions), ctx };
    const v = tryReadJson(s as string, o.read as JsonReadOptions);
    try {
      if (v === undefined) bad();
      if (t.type === 'struct') return fromJsonStruct(v!, t, rc);
      return fromJsonValue(v!, t, rc);
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      if (o.failFast) throw malformedRecord(s as string);
      if (t.type !== 'struct') return null;
      return (e as BadValue & { partial?: unknown[] }).partial ?? t.fields.map(() => null);
    }
  },
});

// ---- to_json ----

interface WriteCtx extends DatetimeOptions {
  tz: string;
  ignoreNullFields: boolean;
  sortKeys: boolean;
}

/** Map keys are written with their string form (a struct key as `[f1,f2]`). */
function keyText(t: DataType, v: unknown, w: WriteCtx): string {
  if (t.type === 'struct') return `[${t.fields.map((f, i) => keyText(f.dataType, (v as unknown[])[i], w)).join(',')}]`;
  if (v === null) return 'null';
  return formatValue(t, v, { timeZone: w.tz });
}

export function toJsonText(t: DataType, v: unknown, w: WriteCtx): string {
  if (v === null || v === undefined) return 'null';
  switch (t.type) {
    case 'struct': {
      let parts = t.fields
        .map((f, i) => [f.name, f.dataType, (v as unknown[])[i]] as const)
        .filter(([, , x]) => !(w.ignoreNullFields && (x === null || x === undefined)));
      if (w.sortKeys) parts = [...parts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return `{${parts.map(([n, ft, x]) => `${jsonString(n)}:${toJsonText(ft, x, w)}`).join(',')}}`;
    }
    case 'array':
      return `[${(v as unknown[]).map((x) => toJsonText(t.elementType, x, w)).join(',')}]`;
    case 'map': {
      const m = v as { keys: unknown[]; values: unknown[] };
      let idx = m.keys.map((_, i) => i);
      const keys = m.keys.map((k) => keyText(t.keyType, k, w));
      if (w.sortKeys) idx = idx.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
      return `{${idx.map((i) => `${jsonString(keys[i]!)}:${toJsonText(t.valueType, m.values[i], w)}`).join(',')}}`;
    }
    case 'string':
      return jsonString(v as string);
    case 'boolean':
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return String(v);
    case 'float':
    case 'double': {
      const x = v as number;
      if (!Number.isFinite(x)) return `"${Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'}"`;
      return t.type === 'float' ? javaFloat(x) : javaDouble(x);
    }
    case 'decimal':
      return formatDecimal(BigInt(v as bigint), t.scale);
    case 'date':
      return jsonString(formatDateText(v as number, w));
    case 'timestamp':
      return jsonString(formatTimestampText(Number(v), w.tz, w));
    case 'timestamp_ntz':
      return jsonString(formatTimestampNtzText(Number(v), w));
    case 'binary':
      return jsonString(Buffer.from(v as Uint8Array).toString('base64'));
    default:
      return jsonString(formatValue(t, v, { timeZone: w.tz }));
  }
}

register({
  name: 'to_json',
  arity: [1, 2],
  resolve(args, _ctx, called) {
    const fnSql = callSql(called, args);
    const a = args[0]!;
    const k = a.type.type;
    if (k !== 'struct' && k !== 'array' && k !== 'map')
      throw dataTypeMismatch('INVALID_JSON_SCHEMA', fnSql, `Input schema "${typeSql(a.type)}" must be a struct, an array, a map or a variant.`, {
        schema: `"${typeSql(a.type)}"`,
      });
    const o = optionsArg(args[1], fnSql);
    const opts = { dt: datetimeOptions(o), ignoreNullFields: o.get('ignorenullfields') !== 'false', sortKeys: o.get('sortkeys') === 'true' };
    return { args: [a], type: T.string, nullable: a.nullable, opts, sql: `${called}(${a.sql})` };
  },
  row([v], ctx, node) {
    const o = node.opts!;
    const w: WriteCtx = { ...(o.dt as DatetimeOptions), tz: ctx.timeZone, ignoreNullFields: o.ignoreNullFields as boolean, sortKeys: o.sortKeys as boolean };
    return toJsonText(node.args[0]!.type, v, w);
  },
});

// ---- schema_of_json ----

/** JsonInferSchema: integers → BIGINT (DECIMAL when wider), fractions → DOUBLE, objects → sorted STRUCT. */
function inferJson(v: JVal): DataType {
  if (v === null) return T.null;
  if (typeof v === 'boolean') return T.boolean;
  if (typeof v === 'string') return T.string;
  if (isNum(v)) {
    if (!/^-?\d+$/.test(v.num)) return T.double;
    const x = BigInt(v.num);
    if (x >= -(2n ** 63n) && x < 2n ** 63n) return T.long;
    const digits = v.num.replace('-', '').length;
    return digits <= 38 ? T.decimal(digits, 0) : T.double;
  }
  if (Array.isArray(v)) {
    let et: DataType = T.null;
    for (const x of v) et = mergeInferred(et, inferJson(x));
    return T.array(et, true);
  }
  const fields = new Map<string, DataType>();
  for (const [k, x] of v.entries) fields.set(k, mergeInferred(fields.get(k) ?? T.null, inferJson(x)));
  return T.struct(
    [...fields.keys()].sort().map((name) => ({ name, dataType: fields.get(name)!, nullable: true, metadata: {} }) as StructField),
  );
}
function mergeInferred(a: DataType, b: DataType): DataType {
  if (a.type === 'null') return b;
  if (b.type === 'null') return a;
  if (a.type === 'struct' && b.type === 'struct') {
    const m = new Map<string, DataType>();
    for (const f of [...a.fields, ...b.fields]) m.set(f.name, m.has(f.name) ? mergeInferred(m.get(f.name)!, f.dataType) : f.dataType);
    return T.struct([...m.keys()].sort().map((name) => ({ name, dataType: m.get(name)!, nullable: true, metadata: {} }) as StructField));
  }
  if (a.type === 'array' && b.type === 'array') return T.array(mergeInferred(a.elementType, b.elementType), true);
  if (isNumeric(a) && isNumeric(b)) return commonType(a, b, false) ?? T.double;
  if (a.type === b.type) return a;
  return T.string;
}
/** Fields that never saw a non-null value are typed STRING. */
function nullToString(t: DataType): DataType {
  if (t.type === 'null') return T.string;
  if (t.type === 'array') return T.array(nullToString(t.elementType), true);
  if (t.type === 'struct') return T.struct(t.fields.map((f) => ({ ...f, dataType: nullToString(f.dataType) })));
  return t;
}

register({
  name: 'schema_of_json',
  arity: [1, 2],
  resolve(args, _ctx, called) {
    const fnSql = callSql(called, args);
    const c = constValue(args[0]!);
    if (c === undefined || c.value === null)
      throw dataTypeMismatch('NON_FOLDABLE_INPUT', fnSql, `the input json should be a foldable "STRING" expression; however, got "${args[0]!.sql}".`);
    const o = optionsArg(args[1], fnSql);
    const v = tryReadJson(String(c.value), jsonReadOptions(o));
    // An unparsable sample infers as a single corrupt-record string column, like Spark's PERMISSIVE mode.
    const t = v === undefined ? T.struct([{ name: '_corrupt_record', dataType: T.string, nullable: true, metadata: {} } as StructField]) : nullToString(inferJson(v));
    return { args: [], type: T.string, nullable: false, opts: { text: typeSql(t) }, sql: `${called}(${args[0]!.sql})` };
  },
  nullSafe: true,
  row(_vals, _ctx, node) {
    return node.opts!.text;
  },
});

/**
 * json_tuple as a generator: one row of string columns c0..cN, produced as
 * `inline(array(json_tuple_row(json, names...)))` so the Generate operator needs no special case.
 */
export function jsonTupleGenerator(
  args: RExpr[],
  ctx: import('./registry.js').ResolveContext,
  aliases: string[],
): { call: Extract<RExpr, { k: 'call' }>; columns: { name: string; type: DataType; nullable: boolean }[] } {
  const fnSql = callSql('json_tuple', args);
  if (args.length < 2) throw dataTypeMismatch('WRONG_NUM_ARGS', fnSql, 'json_tuple requires at least 2 arguments.');
  const row = lookupFunction('json_tuple')!.resolve(args, ctx, 'json_tuple');
  const rowCall: RExpr = { k: 'call', fn: 'json_tuple', args: row.args, type: row.type, nullable: false, sql: fnSql };
  const arr = lookupFunction('array')!.resolve([rowCall], ctx, 'array');
  const arrCall: RExpr = { k: 'call', fn: 'array', args: arr.args, type: arr.type, nullable: false, sql: `array(${fnSql})`, ...(arr.opts ? { opts: arr.opts } : {}) };
  const columns = args.slice(1).map((_, i) => ({ name: aliases[i] ?? `c${i}`, type: T.string, nullable: true }));
  return { call: { k: 'call', fn: 'inline', args: [arrCall], type: arr.type, nullable: true, sql: fnSql }, columns };
}
