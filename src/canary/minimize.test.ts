import { create } from '@bufbuild/protobuf';
import { tableFromIPC, tableToIPC, vectorFromArray, Table, Int64, Utf8, List, Field } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type Expression, ExpressionSchema, type Relation, RelationSchema } from '../protocol/index.js';
import { conjuncts, ddminKeeps, minimizeRelation, sqlReductions } from './minimize.js';
import { countOperators, relationChildren, walkExpressions, walkRelations } from './plan-tree.js';
import { relationToDataFrame, relationToSql } from './render.js';

const col = (name: string): Expression =>
  create(ExpressionSchema, { exprType: { case: 'unresolvedAttribute', value: { unparsedIdentifier: name } } });
const lit = (v: number): Expression => create(ExpressionSchema, { exprType: { case: 'literal', value: { literalType: { case: 'integer', value: v } } } });
const fn = (name: string, ...args: Expression[]): Expression =>
  create(ExpressionSchema, { exprType: { case: 'unresolvedFunction', value: { functionName: name, arguments: args } } });
const alias = (e: Expression, name: string): Expression => create(ExpressionSchema, { exprType: { case: 'alias', value: { expr: e, name: [name] } } });
const rel = (x: Record<string, unknown>): Relation => create(RelationSchema, x as never);

function localData(): Uint8Array {
  const ids = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
  const tags = [['a'], ['b', 'c'], null, ['d'], [], ['e'], null, ['f']];
  const t = new Table({
    id: vectorFromArray(ids, new Int64()),
    tags: vectorFromArray(tags, new List(new Field('element', new Utf8(), true))),
  });
  return tableToIPC(t, 'stream');
}

/** 20 operators, with `size(tags)` (the seeded divergence) in one projection deep inside. */
function twentyOperatorPlan(): Relation {
  const local = rel({ relType: { case: 'localRelation', value: { data: localData(), schema: 'id bigint, tags array<string>' } } });
  let r = rel({ relType: { case: 'subqueryAlias', value: { input: local, alias: 'l' } } }); // 2
  r = rel({ relType: { case: 'withColumns', value: { input: r, aliases: [{ expr: fn('+', col('id'), lit(1)), name: ['id1'] }] } } }); // 3
  r = rel({ relType: { case: 'filter', value: { input: r, condition: fn('and', fn('>', col('id'), lit(0)), fn('and', fn('<', col('id'), lit(100)), fn('!=', col('id'), lit(42)))) } } }); // 4
  r = rel({ relType: { case: 'project', value: { input: r, expressions: [col('id'), col('id1'), alias(fn('size', col('tags')), 'n'), col('tags')] } } }); // 5
  const rng = rel({ relType: { case: 'range', value: { start: 0n, end: 10n, step: 1n } } }); // 6
  const rng2 = rel({ relType: { case: 'project', value: { input: rng, expressions: [alias(col('id'), 'rid')] } } }); // 7
  r = rel({ relType: { case: 'join', value: { left: r, right: rng2, joinCondition: fn('==', col('id'), col('rid')), joinType: 1 } } }); // 8
  r = rel({ relType: { case: 'filter', value: { input: r, condition: fn('>=', col('rid'), lit(0)) } } }); // 9
  r = rel({ relType: { case: 'withColumns', value: { input: r, aliases: [{ expr: fn('*', col('id'), lit(2)), name: ['id2'] }] } } }); // 10
  r = rel({ relType: { case: 'drop', value: { input: r, columnNames: ['rid'] } } }); // 11
  const other = rel({ relType: { case: 'range', value: { start: 0n, end: 3n, step: 1n } } }); // 12
  const other2 = rel({ relType: { case: 'project', value: { input: other, expressions: [alias(col('id'), 'k')] } } }); // 13
  r = rel({ relType: { case: 'join', value: { left: r, right: other2, joinType: 7 } } }); // 14
  r = rel({ relType: { case: 'aggregate', value: { input: r, groupType: 1, groupingExpressions: [col('id'), col('n')], aggregateExpressions: [alias(fn('count', lit(1)), 'c'), alias(fn('max', col('k')), 'mk')] } } }); // 15
  r = rel({ relType: { case: 'filter', value: { input: r, condition: fn('>', col('c'), lit(0)) } } }); // 16
  r = rel({ relType: { case: 'project', value: { input: r, expressions: [col('id'), col('n'), col('c')] } } }); // 17
  r = rel({ relType: { case: 'sort', value: { input: r, order: [{ child: col('id'), direction: 1, nullOrdering: 1 }], isGlobal: true } } }); // 18
  r = rel({ relType: { case: 'limit', value: { input: r, limit: 100 } } }); // 19
  r = rel({ relType: { case: 'subqueryAlias', value: { input: r, alias: 'out' } } }); // 20
  return r;
}

function callsSize(r: Relation): boolean {
  const b = r.relType.value as unknown as Record<string, unknown>;
  const exprs: Expression[] = [];
  for (const v of Object.values(b ?? {})) {
    const list = Array.isArray(v) ? v : [v];
    for (const x of list) {
      if ((x as { $typeName?: string })?.$typeName === 'spark.connect.Expression') exprs.push(x as Expression);
      if ((x as { $typeName?: string })?.$typeName === 'spark.connect.Expression.Alias') exprs.push((x as { expr: Expression }).expr);
    }
  }
  return exprs.some((e) => walkExpressions(e).some((y) => y.exprType.case === 'unresolvedFunction' && y.exprType.value.functionName === 'size'));
}

function hasNullTags(r: Relation): boolean {
  return walkRelations(r).some(({ rel: x }) => {
    if (x.relType.case !== 'localRelation' || !x.relType.value.data) return false;
    const t = tableFromIPC(x.relType.value.data);
    const c = t.getChild('tags');
    for (let i = 0; i < t.numRows; i++) if (c?.get(i) === null) return true;
    return false;
  });
}

/** Stand-in for "runs differently on the two versions": size() evaluated over a row whose array is NULL. */
async function oracle(r: Relation): Promise<boolean> {
  return walkRelations(r).some(({ rel: x }) => callsSize(x) && relationChildren(x).some((c) => hasNullTags(c.rel)));
}

describe('minimizer', () => {
  it('reduces a seeded divergence inside a 20-operator plan to at most 3 operators', async () => {
    const plan = twentyOperatorPlan();
    expect(countOperators(plan)).toBe(20);
    expect(await oracle(plan)).toBe(true);
    const m = await minimizeRelation(plan, oracle, { maxTests: 400 });
    expect(m.operatorsBefore).toBe(20);
    expect(m.operatorsAfter).toBeLessThanOrEqual(3);
    expect(await oracle(m.relation)).toBe(true);
    // Local data shrinks to the one row that matters, and the projection to the one column.
    const local = walkRelations(m.relation).find((x) => x.rel.relType.case === 'localRelation')?.rel;
    const data = local?.relType.case === 'localRelation' ? local.relType.value.data : undefined;
    expect(data && tableFromIPC(data).numRows).toBe(1);
    const df = relationToDataFrame(m.relation);
    expect(df).toContain('size(tags)');
    expect(df).toContain('spark.createDataFrame([(None, None)]'.slice(0, 22));
    expect(relationToSql(m.relation)).toMatch(/SELECT .*size\(tags\).* FROM/);
  });

  it('ddmin proposes halves first, then smaller chunks', () => {
    const keeps = [...ddminKeeps(4, 1)];
    expect(keeps[0]).toEqual([2, 3]);
    expect(keeps[1]).toEqual([0, 1]);
    expect(keeps).toContainEqual([0, 1, 2]);
  });

  it('splits AND chains into conjuncts', () => {
    const e = fn('and', fn('>', col('a'), lit(1)), fn('and', fn('<', col('b'), lit(2)), col('c')));
    expect(conjuncts(e)).toHaveLength(3);
  });

  it('reduces SQL text at the outer query', () => {
    const q = "select a, sum(b) as s, c from t where x between 1 and 2 and y = 'and' and z > 0 group by a, c order by a limit 5;";
    const out = sqlReductions(q);
    expect(out).toContain("select a, sum(b) as s, c from t where x between 1 and 2 and y = 'and' and z > 0 group by a, c limit 5");
    expect(out.some((s) => /where\s+x between 1 and 2 AND y = 'and'\s+group/i.test(s))).toBe(true);
    expect(out.some((s) => /^select\s+c\s+from/i.test(s))).toBe(true);
  });
});
