import { describe, expect, it } from 'vitest';
import type { Plan } from '../plan/parsed-plan.js';
import { parseStatement } from './index.js';
import { splan } from './sexpr.js';

function plan(sql: string): Plan {
  const s = parseStatement(sql);
  if (s.kind !== 'query') throw new Error(`not a query: ${s.kind}`);
  return s.plan;
}
const q = (sql: string): string => splan(plan(sql));

describe('SELECT blocks', () => {
  it('projection, aliases, distinct, no FROM', () => {
    expect(q('SELECT 1')).toBe('(project 1 (oneRow))');
    expect(q('SELECT a, b AS c, d e, t.* FROM t')).toBe('(project a (as b c) (as d e) t.* t)');
    expect(q('SELECT DISTINCT a FROM t')).toBe('(distinct (project a t))');
    expect(q('SELECT ALL a FROM t')).toBe('(project a t)');
    expect(q('SELECT a FROM t WHERE b > 1')).toBe('(project a (filter (> b 1) t))');
  });

  it('keywords usable as names', () => {
    expect(q('SELECT date, year, value, key FROM t')).toBe('(project date year value key t)');
    expect(q('SELECT a FROM t AS order_t')).toBe('(project a (alias order_t t))');
  });

  it('GROUP BY forms', () => {
    expect(q('SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1')).toBe(
      '(filter (> (count *) 1) (aggregate groupBy [a] [a (count *)] t))',
    );
    expect(q('SELECT a FROM t GROUP BY 1')).toBe('(aggregate groupBy [1] [a] t)');
    expect(q('SELECT a, sum(b) FROM t GROUP BY ALL')).toBe('(aggregate groupBy [ALL] [a (sum b)] t)');
    expect(q('SELECT a FROM t GROUP BY ROLLUP(a, b)')).toBe('(aggregate rollup [a b] [a] t)');
    expect(q('SELECT a FROM t GROUP BY CUBE(a, b)')).toBe('(aggregate cube [a b] [a] t)');
    expect(q('SELECT a FROM t GROUP BY a, b WITH CUBE')).toBe('(aggregate cube [a b] [a] t)');
    expect(q('SELECT a FROM t GROUP BY GROUPING SETS ((a, b), (a), ())')).toBe(
      '(aggregate groupingSets [a b] sets[(a b) (a) ()] [a] t)',
    );
    expect(q('SELECT a FROM t GROUP BY a, b GROUPING SETS ((a), (b))')).toBe(
      '(aggregate groupingSets [a b] sets[(a) (b)] [a] t)',
    );
    expect(q('SELECT a FROM t GROUP BY a, ROLLUP(b)')).toBe('(aggregate groupingSets [a b] sets[(a b) (a)] [a] t)');
    expect(q('SELECT sum(a) FROM t HAVING sum(a) > 0')).toBe(
      '(filter (> (sum a) 0) (aggregate groupBy [] [(sum a)] t))',
    );
  });

  it('named windows are inlined', () => {
    expect(q('SELECT rank() OVER w, sum(x) OVER (w) FROM t WINDOW w AS (PARTITION BY a ORDER BY b)')).toBe(
      '(project (over (rank) partition a order (asc b nulls-first)) (over (sum x) partition a order (asc b nulls-first)) t)',
    );
    expect(q('SELECT sum(x) OVER w2 FROM t WINDOW w1 AS (PARTITION BY a), w2 AS w1')).toBe(
      '(project (over (sum x) partition a) t)',
    );
    expect(() => q('SELECT sum(x) OVER w FROM t')).toThrow(/MISSING_WINDOW_SPECIFICATION/);
  });
});

describe('FROM items', () => {
  it('joins of every kind', () => {
    expect(q('SELECT * FROM a, b')).toBe('(project * (inner-join a b))');
    expect(q('SELECT * FROM a JOIN b ON a.x = b.x')).toBe('(project * (inner-join a b (== a.x b.x)))');
    expect(q('SELECT * FROM a INNER JOIN b USING (x, y)')).toBe('(project * (inner-join a b using(x,y)))');
    expect(q('SELECT * FROM a LEFT OUTER JOIN b ON c')).toBe('(project * (left-join a b c))');
    expect(q('SELECT * FROM a LEFT JOIN b ON c')).toBe('(project * (left-join a b c))');
    expect(q('SELECT * FROM a RIGHT JOIN b ON c')).toBe('(project * (right-join a b c))');
    expect(q('SELECT * FROM a FULL OUTER JOIN b ON c')).toBe('(project * (full-join a b c))');
    expect(q('SELECT * FROM a LEFT SEMI JOIN b ON c')).toBe('(project * (semi-join a b c))');
    expect(q('SELECT * FROM a LEFT ANTI JOIN b ON c')).toBe('(project * (anti-join a b c))');
    expect(q('SELECT * FROM a CROSS JOIN b')).toBe('(project * (cross-join a b))');
    expect(q('SELECT * FROM a NATURAL JOIN b')).toBe('(project * (natural-inner-join a b))');
    expect(q('SELECT * FROM a NATURAL LEFT JOIN b')).toBe('(project * (natural-left-join a b))');
    expect(q('SELECT * FROM a x JOIN b AS y ON x.k = y.k')).toBe(
      '(project * (inner-join (alias x a) (alias y b) (== x.k y.k)))',
    );
    expect(q('SELECT * FROM (a JOIN b ON c) JOIN d ON e')).toBe('(project * (inner-join (inner-join a b c) d e))');
  });

  it('subqueries, VALUES, table functions, lateral views', () => {
    expect(q('SELECT * FROM (SELECT 1 AS x) t(y)')).toBe('(project * (alias t(y) (project (as 1 x) (oneRow))))');
    expect(q('SELECT * FROM (SELECT 1)')).toBe(
      '(project * (alias __auto_generated_subquery_name (project 1 (oneRow))))',
    );
    expect(q("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(x, y)")).toBe("(project * (values t(x,y) (1 'a') (2 'b')))");
    expect(q('SELECT * FROM VALUES (1), (2) tab(col)')).toBe('(project * (values tab(col) (1) (2)))');
    expect(q("VALUES (1, 'a'), (2, 'b') AS t(x, y)")).toBe("(values t(x,y) (1 'a') (2 'b'))");
    expect(q('VALUES 1, 2')).toBe('(values (1) (2))');
    expect(q('SELECT * FROM range(10)')).toBe('(project * (tvf range 10))');
    expect(q('SELECT * FROM range(0, 10, 2) AS r(id)')).toBe('(project * (alias r(id) (tvf range 0 10 2)))');
    expect(q('SELECT c FROM t LATERAL VIEW OUTER explode(arr) x AS c')).toBe(
      '(project c (generate-outer (explode arr) x(c) t))',
    );
    expect(q('SELECT * FROM t LATERAL VIEW posexplode(arr) x AS p, c LATERAL VIEW explode(m) y')).toBe(
      '(project * (generate (explode m) y() (generate (posexplode arr) x(p,c) t)))',
    );
    expect(q('TABLE t')).toBe('t');
    expect(q('FROM t SELECT a')).toBe('(project a t)');
    expect(q('SELECT * FROM db.tbl')).toBe('(project * db.tbl)');
  });
});

describe('set operations and query tail', () => {
  it('INTERSECT binds tighter than UNION and EXCEPT', () => {
    expect(q('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3')).toBe(
      '(union (project 1 (oneRow)) (intersect (project 2 (oneRow)) (project 3 (oneRow))))',
    );
    expect(q('SELECT 1 EXCEPT SELECT 2 UNION ALL SELECT 3')).toBe(
      '(union-all (except (project 1 (oneRow)) (project 2 (oneRow))) (project 3 (oneRow)))',
    );
    expect(q('SELECT 1 MINUS SELECT 2')).toBe('(except (project 1 (oneRow)) (project 2 (oneRow)))');
    expect(q('SELECT 1 UNION DISTINCT SELECT 2')).toBe('(union (project 1 (oneRow)) (project 2 (oneRow)))');
    expect(q('SELECT 1 INTERSECT ALL SELECT 2')).toBe('(intersect-all (project 1 (oneRow)) (project 2 (oneRow)))');
    expect(q('(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3')).toBe(
      '(intersect (union (project 1 (oneRow)) (project 2 (oneRow))) (project 3 (oneRow)))',
    );
  });

  it('ORDER BY applies to the whole set operation', () => {
    expect(q('SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 3')).toBe(
      '(limit 3 (sort (asc 1 nulls-first) (union (project a t) (project b u))))',
    );
  });

  it('sort defaults and explicit null ordering', () => {
    expect(q('SELECT a FROM t ORDER BY a, b DESC, c ASC NULLS LAST, d DESC NULLS FIRST')).toBe(
      '(sort (asc a nulls-first) (desc b nulls-last) (asc c nulls-last) (desc d nulls-first) (project a t))',
    );
  });

  it('SORT/DISTRIBUTE/CLUSTER BY, LIMIT ALL, OFFSET', () => {
    expect(q('SELECT a FROM t SORT BY a')).toBe('(localSort (asc a nulls-first) (project a t))');
    expect(q('SELECT a FROM t DISTRIBUTE BY a SORT BY a')).toBe(
      '(localSort (asc a nulls-first) (repartition (project a t)))',
    );
    expect(q('SELECT a FROM t CLUSTER BY a')).toBe('(localSort (asc a nulls-first) (repartition (project a t)))');
    expect(q('SELECT a FROM t LIMIT ALL')).toBe('(project a t)');
    expect(q('SELECT a FROM t LIMIT 2 + 3 OFFSET 1')).toBe('(limit 5 (offset 1 (project a t)))');
    expect(q('SELECT a FROM t OFFSET 4')).toBe('(offset 4 (project a t))');
  });

  it('CTEs', () => {
    expect(q('WITH a AS (SELECT 1), b (x) AS (SELECT 2) SELECT * FROM a, b')).toBe(
      '(with [a=(project 1 (oneRow)) b(x)=(project 2 (oneRow))] (project * (inner-join a b)))',
    );
    expect(q('WITH a AS (SELECT 1) SELECT * FROM a UNION SELECT * FROM a ORDER BY 1')).toBe(
      '(with [a=(project 1 (oneRow))] (sort (asc 1 nulls-first) (union (project * a) (project * a))))',
    );
  });

  it('every TPC-H query parses', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../../test/tpch/queries/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    expect(files).toHaveLength(22);
    for (const f of files) expect(parseStatement(readFileSync(new URL(f, dir), 'utf8')).kind).toBe('query');
  });
});
