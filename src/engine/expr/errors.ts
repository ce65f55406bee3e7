/** Runtime errors of expression kernels, with Spark's error classes and message text. */
import { PerennialError } from '../../core/errors.js';
import type { DataType } from '../plan/data-type.js';
import { typeSql } from '../plan/type-utils.js';

const ANSI_HINT = 'If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.';

export function divideByZero(): PerennialError {
  return new PerennialError(
    'DIVIDE_BY_ZERO',
    `[DIVIDE_BY_ZERO] Division by zero. Use \`try_divide\` to tolerate divisor being 0 and return NULL instead. ${ANSI_HINT} SQLSTATE: 22012`,
    { messageParameters: { config: '"spark.sql.ansi.enabled"' } },
  );
}

export function arithmeticOverflow(message: string, alternative: string): PerennialError {
  return new PerennialError(
    'ARITHMETIC_OVERFLOW',
    `[ARITHMETIC_OVERFLOW] ${message}. Use '${alternative}' to tolerate overflow and return NULL instead. ${ANSI_HINT} SQLSTATE: 22003`,
    { messageParameters: { message, alternative: `'${alternative}'`, config: '"spark.sql.ansi.enabled"' } },
  );
}

export function castInvalidInput(text: string, from: DataType, to: DataType): PerennialError {
  const expression = `'${text}'`;
  return new PerennialError(
    'CAST_INVALID_INPUT',
    `[CAST_INVALID_INPUT] The value ${expression} of the type "${typeSql(from)}" cannot be cast to "${typeSql(to)}" because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead. SQLSTATE: 22018`,
    { messageParameters: { expression, sourceType: `"${typeSql(from)}"`, targetType: `"${typeSql(to)}"`, ansiConfig: '"spark.sql.ansi.enabled"' } },
  );
}

export function castOverflow(valueText: string, from: DataType, to: DataType): PerennialError {
  return new PerennialError(
    'CAST_OVERFLOW',
    `[CAST_OVERFLOW] The value ${valueText} of the type "${typeSql(from)}" cannot be cast to "${typeSql(to)}" due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead. ${ANSI_HINT} SQLSTATE: 22003`,
    { messageParameters: { value: valueText, sourceType: `"${typeSql(from)}"`, targetType: `"${typeSql(to)}"` } },
  );
}

export function decimalOutOfRange(valueText: string, precision: number, scale: number): PerennialError {
  return new PerennialError(
    'NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION',
    `[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]  ${valueText} cannot be represented as Decimal(${precision}, ${scale}). ${ANSI_HINT} SQLSTATE: 22003`,
    { messageParameters: { value: valueText, precision: String(precision), scale: String(scale) } },
  );
}

export function invalidArrayIndex(index: number, size: number): PerennialError {
  return new PerennialError(
    'INVALID_ARRAY_INDEX',
    `[INVALID_ARRAY_INDEX] The index ${index} is out of bounds. The array has ${size} elements. Use the SQL function \`get()\` to tolerate accessing element at invalid index and return NULL instead. ${ANSI_HINT} SQLSTATE: 22003`,
    { messageParameters: { indexValue: String(index), arraySize: String(size) } },
  );
}
