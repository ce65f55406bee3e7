/**
 * A stored `spark.connect.Plan` (the bytes a regression keeps) as a readable tree: one node per
 * relation, named after its type, with its expressions printed compactly (`a + 1 AS b`) and its
 * input relations as children. Generic over the generated descriptors, so relation types this file
 * does not name still show up with their fields.
 */
import { type DescField, type DescMessage, fromBinary, type Message, toJson } from '@bufbuild/protobuf';
import { type Expression, ExpressionSchema, type Plan, PlanSchema, RelationSchema } from '../protocol/index.js';

export interface PlanNode {
  /** Relation or command type, e.g. `project`, `filter`, `sql`. */
  label: string;
  /** Field name → printed value, in declaration order; only fields that are set. */
  details: { name: string; value: string }[];
  children: PlanNode[];
}

const MAX_TEXT = 2_000;
const RELATION = RelationSchema.typeName;
const EXPRESSION = ExpressionSchema.typeName;

/** Decodes plan bytes; null for none or undecodable bytes (the caller shows the raw size instead). */
export function decodePlanTree(bytes: Uint8Array | null | undefined): PlanNode | null {
  if (!bytes || bytes.length === 0) return null;
  let plan: Plan;
  try {
    plan = fromBinary(PlanSchema, bytes);
  } catch {
    return null;
  }
  const op = plan.opType;
  if (op.case === 'root') return relationNode(op.value as unknown as Message);
  if (op.case === 'command') {
    const cmd = op.value as unknown as Record<string, unknown>;
    const inner = cmd.commandType as { case?: string; value?: unknown } | undefined;
    const field = oneofField(PlanSchema.fields.find((f) => f.localName === 'command')?.message, inner?.case);
    const node: PlanNode = { label: `command: ${inner?.case ?? 'unknown'}`, details: [], children: [] };
    if (field?.message && inner?.value) fillFields(node, field.message, inner.value as Record<string, unknown>);
    return node;
  }
  return { label: 'empty plan', details: [], children: [] };
}

/** The tree as indented text (for logs, tests and copy-paste). */
export function planTreeText(node: PlanNode, indent = ''): string {
  const lines = [`${indent}${node.label}${node.details.length ? ` [${node.details.map((d) => `${d.name}=${d.value}`).join(', ')}]` : ''}`];
  for (const c of node.children) lines.push(planTreeText(c, `${indent}  `));
  return lines.join('\n');
}

function oneofField(desc: DescMessage | undefined, name: string | undefined): DescField | undefined {
  if (!desc || !name) return undefined;
  return desc.fields.find((f) => f.localName === name);
}

function relationNode(rel: Message): PlanNode {
  const r = rel as unknown as { relType?: { case?: string; value?: unknown } };
  const kind = r.relType?.case;
  const node: PlanNode = { label: kind ?? 'relation', details: [], children: [] };
  const field = oneofField(RelationSchema, kind);
  if (field?.message && r.relType?.value) fillFields(node, field.message, r.relType.value as Record<string, unknown>);
  return node;
}

/** Adds the set fields of `msg` (of type `desc`) to `node`: relations become children, the rest details. */
function fillFields(node: PlanNode, desc: DescMessage, msg: Record<string, unknown>): void {
  for (const f of desc.fields) {
    let value: unknown;
    if (f.oneof) {
      const o = msg[f.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (o?.case !== f.localName) continue;
      value = o.value;
    } else {
      value = msg[f.localName];
    }
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (f.fieldKind === 'map' && Object.keys(value as object).length === 0) continue;
    if (f.fieldKind === 'scalar' && !f.oneof && !f.proto.proto3Optional && isDefaultScalar(value)) continue;
    const typeName = f.message?.typeName;
    if (typeName === RELATION) {
      for (const r of Array.isArray(value) ? value : [value]) node.children.push(relationNode(r as Message));
      continue;
    }
    node.details.push({ name: f.localName, value: clip(printField(f, value)) });
  }
}

function isDefaultScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === 0n || (v instanceof Uint8Array && v.length === 0);
}

function printField(f: DescField, value: unknown): string {
  if (f.fieldKind === 'map') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (f.mapKind === 'message' && f.message?.typeName === EXPRESSION) {
      return entries.map(([k, v]) => `${k}: ${printExpr(v as Expression)}`).join(', ');
    }
    if (f.mapKind === 'message' && f.message) {
      return entries.map(([k, v]) => `${k}: ${JSON.stringify(toJson(f.message as DescMessage, v as Message))}`).join(', ');
    }
    return entries.map(([k, v]) => `${k}: ${String(v)}`).join(', ');
  }
  const typeName = f.message?.typeName;
  if (typeName === EXPRESSION) {
    return Array.isArray(value) ? value.map((e) => printExpr(e as Expression)).join(', ') : printExpr(value as Expression);
  }
  if (f.message) {
    const one = (v: unknown) => JSON.stringify(toJson(f.message as DescMessage, v as Message));
    return Array.isArray(value) ? `[${value.map(one).join(', ')}]` : one(value);
  }
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
  if (typeof value === 'string') return value;
  if (f.fieldKind === 'enum' && f.enum) return f.enum.values.find((v) => v.number === value)?.name ?? String(value);
  return String(value);
}

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

/** Spark-like text of an expression; unknown shapes fall back to their type name. */
export function printExpr(e: Expression | undefined): string {
  if (!e) return '?';
  const t = e.exprType;
  switch (t.case) {
    case 'literal':
      return printLiteral(t.value as unknown as { literalType: { case?: string; value?: unknown } });
    case 'unresolvedAttribute':
      return t.value.unparsedIdentifier;
    case 'unresolvedStar':
      return t.value.unparsedTarget ?? '*';
    case 'expressionString':
      return t.value.expression;
    case 'alias':
      return `${printExpr(t.value.expr)} AS ${t.value.name.join('.')}`;
    case 'cast': {
      const c = t.value as unknown as { expr?: Expression; castToType: { case?: string; value?: unknown } };
      const ty = c.castToType.case === 'typeStr' ? String(c.castToType.value) : (typeCase(c.castToType.value) ?? '?');
      return `CAST(${printExpr(c.expr)} AS ${ty})`;
    }
    case 'unresolvedFunction':
      return printCall(t.value.functionName, t.value.arguments, t.value.isDistinct);
    case 'callFunction':
      return printCall(t.value.functionName, t.value.arguments, false);
    case 'sortOrder': {
      const s = t.value as unknown as { child?: Expression; direction: number };
      return `${printExpr(s.child)} ${s.direction === 2 ? 'DESC' : 'ASC'}`;
    }
    case 'unresolvedExtractValue':
      return `${printExpr(t.value.child)}[${printExpr(t.value.extraction)}]`;
    case undefined:
      return '?';
    default:
      return t.case;
  }
}

const BINARY_OPS = new Set(['+', '-', '*', '/', '%', '=', '==', '<=>', '!=', '<>', '<', '<=', '>', '>=', 'and', 'or']);

function printCall(name: string, args: Expression[], distinct: boolean): string {
  if (BINARY_OPS.has(name.toLowerCase()) && args.length === 2) {
    return `(${printExpr(args[0])} ${name.toUpperCase() === 'AND' || name.toUpperCase() === 'OR' ? name.toUpperCase() : name} ${printExpr(args[1])})`;
  }
  return `${name}(${distinct ? 'DISTINCT ' : ''}${args.map(printExpr).join(', ')})`;
}

function typeCase(v: unknown): string | undefined {
  const k = (v as { kind?: { case?: string } } | undefined)?.kind?.case;
  return k;
}

function printLiteral(l: { literalType: { case?: string; value?: unknown } }): string {
  const { case: c, value } = l.literalType;
  switch (c) {
    case 'null':
      return 'NULL';
    case 'string':
      return `'${String(value).replace(/'/g, "\\'")}'`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'integer':
    case 'long':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return String(value);
    case 'decimal':
      return String((value as { value?: string }).value ?? '?');
    case undefined:
      return 'NULL';
    default:
      return `<${c} literal>`;
  }
}
