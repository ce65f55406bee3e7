/** Spark Connect `Expression` → engine parsed expression. */
import { PerennialError, unsupported } from '../../core/errors.js';
import type { DataType, Expr, FrameBound, Plan, SortOrderExpr } from '../../engine/index.js';
import {
  type Expression,
  type Expression_SortOrder,
  Expression_Cast_EvalMode as EvalMode,
  Expression_SortOrder_NullOrdering as NullOrdering,
  Expression_SortOrder_SortDirection as SortDirection,
  Expression_Window_WindowFrame_FrameType as FrameType,
  type Expression_Window_WindowFrame_FrameBoundary,
} from '../../protocol/index.js';
import { dataTypeFromProto } from './data-type.js';
import { literalFromProto } from './literal.js';

export interface TranslateContext {
  parseDdl(s: string): DataType;
  /** Parses one identifier path with Spark's rules (dots, backticks). */
  parseIdentifier(s: string): string[];
  /** Subquery plans referenced by `SubqueryExpression.plan_id` (from an enclosing WithRelations). */
  subqueries: Map<number, Plan>;
}

export function invalidPlan(message: string): PerennialError {
  return new PerennialError('INVALID_PLAN_INPUT', message, {
    kind: 'user',
    sqlState: '42K0E',
    classes: ['org.apache.spark.sql.connect.common.InvalidPlanInput', 'java.lang.Exception', 'java.lang.Throwable'],
  });
}

export function exprFromProto(e: Expression | undefined, ctx: TranslateContext): Expr {
  if (!e) throw invalidPlan('An expression is missing from the plan.');
  const x = e.exprType;
  switch (x.case) {
    case 'literal':
      return literalFromProto(x.value, ctx.parseDdl);
    case 'unresolvedAttribute': {
      const planId = x.value.planId;
      return {
        kind: 'attribute',
        nameParts: ctx.parseIdentifier(x.value.unparsedIdentifier),
        ...(planId !== undefined ? { planId: Number(planId) } : {}),
      };
    }
    case 'unresolvedFunction':
      return {
        kind: 'function',
        name: x.value.functionName,
        args: x.value.arguments.map((a) => exprFromProto(a, ctx)),
        isDistinct: x.value.isDistinct,
      };
    case 'callFunction':
      return {
        kind: 'function',
        name: x.value.functionName,
        args: x.value.arguments.map((a) => exprFromProto(a, ctx)),
        isDistinct: false,
      };
    case 'expressionString':
      return { kind: 'exprString', sql: x.value.expression };
    case 'unresolvedStar': {
      const target = x.value.unparsedTarget;
      const planId = x.value.planId;
      return {
        kind: 'star',
        ...(target ? { target: ctx.parseIdentifier(target.replace(/\.\*$/, '')) } : {}),
        ...(planId !== undefined ? { planId: Number(planId) } : {}),
      };
    }
    case 'alias':
      return { kind: 'alias', expr: exprFromProto(x.value.expr, ctx), names: x.value.name };
    case 'cast': {
      const c = x.value;
      const to =
        c.castToType.case === 'type'
          ? dataTypeFromProto(c.castToType.value, ctx.parseDdl)
          : c.castToType.case === 'typeStr'
            ? ctx.parseDdl(c.castToType.value)
            : undefined;
      if (!to) throw invalidPlan('A cast has no target type.');
      const mode =
        c.evalMode === EvalMode.TRY
          ? 'try'
          : c.evalMode === EvalMode.ANSI
            ? 'ansi'
            : c.evalMode === EvalMode.LEGACY
              ? 'legacy'
              : 'default';
      return { kind: 'cast', expr: exprFromProto(c.expr, ctx), to, mode };
    }
    case 'sortOrder':
      return sortOrderFromProto(x.value, ctx);
    case 'window': {
      const w = x.value;
      const frame = w.frameSpec;
      return {
        kind: 'window',
        fn: exprFromProto(w.windowFunction, ctx),
        partitionBy: w.partitionSpec.map((p) => exprFromProto(p, ctx)),
        orderBy: w.orderSpec.map((o) => sortOrderFromProto(o, ctx)),
        ...(frame && frame.frameType !== FrameType.UNDEFINED
          ? {
              frame: {
                type: frame.frameType === FrameType.ROW ? ('rows' as const) : ('range' as const),
                lower: boundFromProto(frame.lower, 'lower', ctx),
                upper: boundFromProto(frame.upper, 'upper', ctx),
              },
            }
          : {}),
      };
    }
    case 'unresolvedExtractValue':
      return {
        kind: 'extractValue',
        child: exprFromProto(x.value.child, ctx),
        extraction: exprFromProto(x.value.extraction, ctx),
      };
    case 'lambdaFunction':
      return {
        kind: 'lambda',
        params: x.value.arguments.map((a) => a.nameParts.join('.')),
        body: exprFromProto(x.value.function, ctx),
      };
    case 'unresolvedNamedLambdaVariable':
      return { kind: 'lambdaVar', name: x.value.nameParts.join('.') };
    case 'subqueryExpression': {
      const plan = ctx.subqueries.get(Number(x.value.planId));
      if (!plan) throw invalidPlan(`The subquery with plan id ${x.value.planId} is not in the plan's references.`);
      if (x.value.subqueryType === 2) return { kind: 'exists', plan, negated: false };
      return { kind: 'scalarSubquery', plan };
    }
    case 'commonInlineUserDefinedFunction':
      throw unsupported(`user-defined function ${x.value.functionName} (Python UDFs need a Python worker)`);
    case 'unresolvedRegex':
      throw unsupported('colRegex');
    case 'updateFields':
      throw unsupported('withField / dropFields');
    case 'namedArgumentExpression':
      throw unsupported('named function arguments');
    case 'extension':
      throw unsupported(`expression extension ${x.value.typeUrl}`);
    case undefined:
      throw invalidPlan('An expression has no type (an unknown expression kind from a newer client?).');
  }
}

export function sortOrderFromProto(s: Expression_SortOrder, ctx: TranslateContext): SortOrderExpr {
  const ascending = s.direction !== SortDirection.DESCENDING;
  const nullsFirst =
    s.nullOrdering === NullOrdering.SORT_NULLS_FIRST
      ? true
      : s.nullOrdering === NullOrdering.SORT_NULLS_LAST
        ? false
        : ascending;
  return { kind: 'sortOrder', expr: exprFromProto(s.child, ctx), ascending, nullsFirst };
}

function boundFromProto(
  b: Expression_Window_WindowFrame_FrameBoundary | undefined,
  side: 'lower' | 'upper',
  ctx: TranslateContext,
): FrameBound {
  const v = b?.boundary;
  switch (v?.case) {
    case 'currentRow':
      return { kind: 'currentRow' };
    case 'unbounded':
      return side === 'lower' ? { kind: 'unboundedPreceding' } : { kind: 'unboundedFollowing' };
    case 'value':
      return { kind: 'offset', value: exprFromProto(v.value, ctx) };
    case undefined:
      return side === 'lower' ? { kind: 'unboundedPreceding' } : { kind: 'currentRow' };
  }
}
