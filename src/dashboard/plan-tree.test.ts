import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../protocol/index.js';
import { decodePlanTree, planTreeText } from './plan-tree.js';

describe('decodePlanTree', () => {
  it('shows a SQL root relation with its query', () => {
    const plan = create(PlanSchema, { opType: { case: 'root', value: { relType: { case: 'sql', value: { query: "SELECT CAST('n/a' AS INT) AS v" } } } } });
    expect(planTreeText(decodePlanTree(toBinary(PlanSchema, plan))!)).toBe("sql [query=SELECT CAST('n/a' AS INT) AS v]");
  });

  it('prints relations as a tree with compact expressions', () => {
    const attr = (n: string) => ({ exprType: { case: 'unresolvedAttribute' as const, value: { unparsedIdentifier: n } } });
    const lit = (v: number) => ({ exprType: { case: 'literal' as const, value: { literalType: { case: 'integer' as const, value: v } } } });
    const plan = create(PlanSchema, {
      opType: {
        case: 'root',
        value: {
          relType: {
            case: 'filter',
            value: {
              input: {
                relType: {
                  case: 'project',
                  value: {
                    input: { relType: { case: 'range', value: { start: 0n, end: 10n, step: 1n } } },
                    expressions: [
                      {
                        exprType: {
                          case: 'alias',
                          value: {
                            name: ['y'],
                            expr: { exprType: { case: 'unresolvedFunction', value: { functionName: '+', arguments: [attr('id'), lit(1)] } } },
                          },
                        },
                      },
                    ],
                  },
                },
              },
              condition: { exprType: { case: 'unresolvedFunction', value: { functionName: '>', arguments: [attr('y'), lit(3)] } } },
            },
          },
        },
      },
    });
    expect(planTreeText(decodePlanTree(toBinary(PlanSchema, plan))!)).toBe(
      ['filter [condition=(y > 3)]', '  project [expressions=(id + 1) AS y]', '    range [start=0, end=10, step=1]'].join('\n'),
    );
  });

  it('returns null for no plan or bytes that are not a plan', () => {
    expect(decodePlanTree(null)).toBeNull();
    expect(decodePlanTree(new Uint8Array())).toBeNull();
    expect(decodePlanTree(new Uint8Array([0xff, 0xff, 0xff]))).toBeNull();
  });
});
