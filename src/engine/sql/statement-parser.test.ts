import { describe, expect, it } from 'vitest';
import type { Statement } from '../plan/parsed-plan.js';
import { parseStatement, parseStatements } from './index.js';
import { splan } from './sexpr.js';

/** Statement with plans rendered compactly. */
function s(sql: string): unknown {
  return JSON.parse(
    JSON.stringify(parseStatement(sql), (k, v: unknown) => {
      if ((k === 'plan' || k === 'asSelect' || k === 'query') && v !== null && typeof v === 'object' && 'kind' in v)
        return splan(v as never);
      return v;
    }),
  );
}

describe('DDL', () => {
  it('CREATE VIEW variants', () => {
    expect(s('CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1')).toEqual({
      kind: 'createView',
      name: ['v'],
      plan: '(project 1 (oneRow))',
      temp: true,
      replace: true,
      ifNotExists: false,
    });
    expect(s("CREATE VIEW IF NOT EXISTS db.v (a COMMENT 'x', b) AS SELECT 1, 2")).toMatchObject({
      kind: 'createView',
      name: ['db', 'v'],
      temp: false,
      ifNotExists: true,
      columnAliases: ['a', 'b'],
    });
    expect(s('CREATE GLOBAL TEMP VIEW g AS SELECT 1')).toMatchObject({ temp: true, global: true });
    expect(s("CREATE TEMPORARY VIEW c USING csv OPTIONS (path '/data/x.csv', header 'true')")).toEqual({
      kind: 'createView',
      name: ['c'],
      plan: '(dataSource)',
      temp: true,
      replace: false,
      ifNotExists: false,
    });
  });

  it('CREATE TABLE variants', () => {
    expect(s('create table t1(a int, b string NOT NULL, c decimal(5,2)) using parquet')).toEqual({
      kind: 'createTable',
      name: ['t1'],
      ifNotExists: false,
      replace: false,
      format: 'parquet',
      options: {},
      columns: [
        { name: 'a', dataType: { type: 'integer' }, nullable: true },
        { name: 'b', dataType: { type: 'string' }, nullable: false },
        { name: 'c', dataType: { type: 'decimal', precision: 5, scale: 2 }, nullable: true },
      ],
    });
    expect(
      s(
        "CREATE OR REPLACE TABLE IF NOT EXISTS t USING csv OPTIONS (header = true, 'sep' ';') PARTITIONED BY (p) LOCATION '/x' AS SELECT 1 p",
      ),
    ).toEqual({
      kind: 'createTable',
      name: ['t'],
      ifNotExists: true,
      replace: true,
      format: 'csv',
      options: { header: 'true', sep: ';' },
      partitionBy: ['p'],
      location: '/x',
      asSelect: '(project (as 1 p) (oneRow))',
    });
    expect(s('CREATE TABLE t AS SELECT 1')).toMatchObject({ asSelect: '(project 1 (oneRow))', format: 'parquet' });
  });

  it('DROP, CREATE DATABASE, USE, TRUNCATE, CACHE', () => {
    expect(s('DROP TABLE IF EXISTS t')).toEqual({ kind: 'dropTable', name: ['t'], ifExists: true, isView: false });
    expect(s('DROP VIEW v')).toEqual({ kind: 'dropTable', name: ['v'], ifExists: false, isView: true });
    expect(s('CREATE SCHEMA IF NOT EXISTS s')).toEqual({ kind: 'createDatabase', name: 's', ifNotExists: true });
    expect(s('CREATE DATABASE d COMMENT "x"')).toEqual({ kind: 'createDatabase', name: 'd', ifNotExists: false });
    expect(s('USE d')).toEqual({ kind: 'useDatabase', name: 'd' });
    expect(s('USE DATABASE d')).toEqual({ kind: 'useDatabase', name: 'd' });
    expect(s('TRUNCATE TABLE t')).toEqual({ kind: 'truncateTable', name: ['t'] });
    expect(s('CACHE LAZY TABLE t')).toEqual({ kind: 'cacheTable', name: ['t'], lazy: true });
    expect(s('CACHE TABLE t AS SELECT 1')).toEqual({
      kind: 'cacheTable',
      name: ['t'],
      lazy: false,
      plan: '(project 1 (oneRow))',
    });
    expect(s('UNCACHE TABLE IF EXISTS t')).toEqual({ kind: 'uncacheTable', name: ['t'], ifExists: true });
  });
});

describe('DML', () => {
  it('INSERT', () => {
    expect(s('insert into t1 values(1,0,0)')).toEqual({
      kind: 'insert',
      table: ['t1'],
      overwrite: false,
      query: '(values (1 0 0))',
    });
    expect(s('INSERT OVERWRITE TABLE t (a, b) SELECT 1, 2')).toEqual({
      kind: 'insert',
      table: ['t'],
      overwrite: true,
      columns: ['a', 'b'],
      query: '(project 1 2 (oneRow))',
    });
    expect(s('INSERT INTO t (SELECT 1)')).toEqual({
      kind: 'insert',
      table: ['t'],
      overwrite: false,
      query: '(project 1 (oneRow))',
    });
    expect(s('WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c')).toEqual({
      kind: 'insert',
      table: ['t'],
      overwrite: false,
      query: '(with [c=(project 1 (oneRow))] (project * c))',
    });
  });
});

describe('utility statements', () => {
  it('SHOW', () => {
    expect(s('SHOW TABLES')).toEqual({ kind: 'showTables' });
    expect(s("SHOW TABLES IN db LIKE 't*'")).toEqual({ kind: 'showTables', database: 'db', pattern: 't*' });
    expect(s('SHOW COLUMNS IN t FROM db')).toEqual({ kind: 'showColumns', table: ['db', 't'] });
    expect(s("SHOW FUNCTIONS LIKE 'a*'")).toEqual({ kind: 'showFunctions', pattern: 'a*' });
    expect(s('SHOW SYSTEM FUNCTIONS')).toEqual({ kind: 'showFunctions' });
    expect(s('SHOW DATABASES')).toEqual({ kind: 'showDatabases' });
  });

  it('DESCRIBE', () => {
    expect(s('DESCRIBE TABLE EXTENDED t')).toEqual({
      kind: 'describe',
      target: { kind: 'table', name: ['t'] },
      extended: true,
    });
    expect(s('DESC t')).toEqual({ kind: 'describe', target: { kind: 'table', name: ['t'] }, extended: false });
    expect(s('DESCRIBE QUERY SELECT 1')).toEqual({
      kind: 'describe',
      target: { kind: 'query', plan: '(project 1 (oneRow))' },
      extended: false,
    });
    expect(s('DESCRIBE SELECT 1')).toMatchObject({ target: { kind: 'query' } });
    expect(s('DESCRIBE FUNCTION EXTENDED upper')).toEqual({ kind: 'describeFunction', name: 'upper', extended: true });
    expect(s("DESC FUNCTION 'abs'")).toEqual({ kind: 'describeFunction', name: 'abs', extended: false });
  });

  it('EXPLAIN', () => {
    expect(s('EXPLAIN SELECT 1')).toEqual({
      kind: 'explain',
      statement: { kind: 'query', plan: '(project 1 (oneRow))' },
      mode: 'simple',
    });
    for (const [kw, mode] of [
      ['EXTENDED', 'extended'],
      ['FORMATTED', 'formatted'],
      ['CODEGEN', 'codegen'],
      ['COST', 'cost'],
    ]) {
      expect(s(`EXPLAIN ${kw} SELECT 1`)).toMatchObject({ kind: 'explain', mode });
    }
  });

  it('SET and RESET take raw text', () => {
    expect(s('SET spark.sql.ansi.enabled=true')).toEqual({
      kind: 'setConf',
      key: 'spark.sql.ansi.enabled',
      value: 'true',
    });
    expect(s('SET spark.sql.shuffle.partitions = 4;')).toEqual({
      kind: 'setConf',
      key: 'spark.sql.shuffle.partitions',
      value: '4',
    });
    expect(s('SET spark.sql.ansi.enabled')).toEqual({ kind: 'setConf', key: 'spark.sql.ansi.enabled' });
    expect(s('SET')).toEqual({ kind: 'setConf' });
    expect(s("SET TIME ZONE 'UTC'")).toEqual({ kind: 'setConf', key: 'spark.sql.session.timeZone', value: 'UTC' });
    expect(s('-- comment\nset a.b = x y')).toEqual({ kind: 'setConf', key: 'a.b', value: 'x y' });
    expect(s('RESET')).toEqual({ kind: 'resetConf' });
    expect(s('RESET spark.sql.ansi.enabled')).toEqual({ kind: 'resetConf', key: 'spark.sql.ansi.enabled' });
  });

  it('unsupported statements say so', () => {
    expect(() => parseStatement('ALTER TABLE t ADD COLUMN x INT')).toThrow(/UNSUPPORTED_FEATURE/);
  });

  it('parseStatements splits on top-level semicolons only', () => {
    const stmts: Statement[] = parseStatements("SELECT ';' AS a; -- x;\nSET k=v; /* ; */ SELECT 2;;");
    expect(stmts.map((x) => x.kind)).toEqual(['query', 'setConf', 'query']);
  });
});
