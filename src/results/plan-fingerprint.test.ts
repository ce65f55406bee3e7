import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../protocol/index.js';
import { normalizeSqlText, planFingerprint } from './plan-fingerprint.js';

function filterPlan(planId: bigint, value: number | string, column = 'id') {
  const literalType =
    typeof value === 'number' ? ({ case: 'integer', value } as const) : ({ case: 'string', value } as const);
  return create(PlanSchema, {
    opType: {
      case: 'root',
      value: {
        common: { planId: planId + 1n },
        relType: {
          case: 'filter',
          value: {
            input: { common: { planId }, relType: { case: 'range', value: { start: 0n, end: 10n, step: 1n } } },
            condition: {
              exprType: {
                case: 'unresolvedFunction',
                value: {
                  functionName: '>',
                  arguments: [
                    { exprType: { case: 'unresolvedAttribute', value: { unparsedIdentifier: column, planId } } },
                    { exprType: { case: 'literal', value: { literalType } } },
                  ],
                },
              },
            },
          },
        },
      },
    },
  });
}

describe('planFingerprint', () => {
  it('ignores plan ids and literal values', () => {
    expect(planFingerprint(filterPlan(1n, 3))).toBe(planFingerprint(filterPlan(42n, 7)));
  });

  it('keeps names', () => {
    expect(planFingerprint(filterPlan(1n, 3, 'id'))).not.toBe(planFingerprint(filterPlan(1n, 3, 'other')));
  });

  it('keeps literal types', () => {
    expect(planFingerprint(filterPlan(1n, 3))).not.toBe(planFingerprint(filterPlan(1n, '3')));
  });

  it('normalizes SQL text literals and whitespace', () => {
    expect(normalizeSqlText("SELECT * FROM t WHERE a = 'x'  AND b > 10.5")).toBe('SELECT * FROM t WHERE a = ? AND b > ?');
    const sql = (q: string) => create(PlanSchema, { opType: { case: 'root', value: { relType: { case: 'sql', value: { query: q } } } } });
    expect(planFingerprint(sql('select 1 from t1'))).toBe(planFingerprint(sql('select  2 from t1')));
    expect(planFingerprint(sql('select 1 from t1'))).not.toBe(planFingerprint(sql('select 1 from t2')));
  });
});
