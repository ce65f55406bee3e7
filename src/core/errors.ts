/**
 * One error taxonomy for the whole platform.
 *
 * Every failure that can reach a client is a `PerennialError`: a Spark error class (the "condition",
 * e.g. `DIVIDE_BY_ZERO`), its SQL state, message parameters, a `kind` that says who is at fault and
 * whether retrying can help, and the JVM class chain a Spark client uses to pick its exception type.
 * The gateway and drivers map it to gRPC in exactly one place (`protocol/error-status.ts`).
 *
 * Identity survives process boundaries: errors are branded with `Symbol.for`, never checked with
 * `instanceof`, and serialize to plain JSON.
 */

/**
 * - `user`: the query is wrong (bad SQL, unknown column, division by zero under ANSI). Not retryable.
 * - `unsupported`: valid Spark, but we do not implement it.
 * - `resources-exhausted`: memory or size limits. Retrying elsewhere may help.
 * - `unavailable`: a driver or dependency is gone. Transient; retrying helps.
 * - `session`: bad session / operation handles.
 * - `auth`: missing or wrong credentials.
 * - `internal`: a bug in Perennial.
 */
export type ErrorKind = 'user' | 'unsupported' | 'resources-exhausted' | 'unavailable' | 'session' | 'auth' | 'internal';

const BRAND = Symbol.for('perennial.error');

export interface SerializedError {
  name: 'PerennialError';
  kind: ErrorKind;
  errorClass: string;
  sqlState: string;
  message: string;
  messageParameters: Record<string, string>;
  /** JVM-style class chain, most specific first; picks the pyspark exception type. */
  classes: string[];
  stack?: string;
}

export interface ErrorOptions {
  kind?: ErrorKind;
  sqlState?: string;
  messageParameters?: Record<string, string>;
  classes?: string[];
  cause?: unknown;
}

export class PerennialError extends Error {
  readonly [BRAND] = true;
  readonly kind: ErrorKind;
  readonly errorClass: string;
  readonly sqlState: string;
  readonly messageParameters: Record<string, string>;
  readonly classes: string[];

  constructor(errorClass: string, message: string, opts: ErrorOptions = {}) {
    super(message.startsWith('[') ? message : `[${errorClass}] ${message}`, { cause: opts.cause });
    this.name = 'PerennialError';
    this.errorClass = errorClass;
    this.kind = opts.kind ?? 'user';
    this.sqlState = opts.sqlState ?? sqlStateFor(errorClass);
    this.messageParameters = opts.messageParameters ?? {};
    this.classes = opts.classes ?? classesFor(errorClass, this.kind);
  }

  toJSON(): SerializedError {
    return {
      name: 'PerennialError',
      kind: this.kind,
      errorClass: this.errorClass,
      sqlState: this.sqlState,
      message: this.message,
      messageParameters: this.messageParameters,
      classes: this.classes,
      ...(this.stack === undefined ? {} : { stack: this.stack }),
    };
  }

  static fromJSON(s: SerializedError): PerennialError {
    return new PerennialError(s.errorClass, s.message, {
      kind: s.kind,
      sqlState: s.sqlState,
      messageParameters: s.messageParameters,
      classes: s.classes,
    });
  }
}

export function isPerennialError(e: unknown): e is PerennialError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** Wraps anything thrown into a PerennialError; unknown errors are our bugs. */
export function toPerennialError(e: unknown): PerennialError {
  if (isPerennialError(e)) return e;
  if (e instanceof RangeError && /Invalid array length|allocation failed|Array buffer allocation/i.test(e.message)) {
    return new PerennialError('MEMORY_LIMIT_EXCEEDED', `Out of memory while executing the query: ${e.message}`, {
      kind: 'resources-exhausted',
      cause: e,
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new PerennialError('INTERNAL_ERROR', `This is a bug in Perennial, please report it: ${msg}`, {
    kind: 'internal',
    cause: e,
  });
}

// ---- one-line constructors for throw sites -------------------------------------------------------

export function userError(errorClass: string, message: string, params: Record<string, string> = {}): PerennialError {
  return new PerennialError(errorClass, message, { kind: 'user', messageParameters: params });
}

export function unsupported(what: string): PerennialError {
  return new PerennialError('UNSUPPORTED_FEATURE', `The feature is not supported: ${what}.`, {
    kind: 'unsupported',
    messageParameters: { feature: what },
  });
}

export function internalError(message: string, cause?: unknown): PerennialError {
  return new PerennialError('INTERNAL_ERROR', `This is a bug in Perennial, please report it: ${message}`, {
    kind: 'internal',
    cause,
  });
}

export function unavailable(message: string, cause?: unknown): PerennialError {
  return new PerennialError('UNAVAILABLE', message, { kind: 'unavailable', cause });
}

// ---- error class facts (Spark's error-conditions.json, the subset we raise) ----------------------

const SQL_STATES: Record<string, string> = {
  PARSE_SYNTAX_ERROR: '42601',
  PARSE_EMPTY_STATEMENT: '42617',
  UNRESOLVED_COLUMN: '42703',
  UNRESOLVED_ROUTINE: '42883',
  TABLE_OR_VIEW_NOT_FOUND: '42P01',
  TABLE_OR_VIEW_ALREADY_EXISTS: '42P07',
  TEMP_TABLE_OR_VIEW_ALREADY_EXISTS: '42P07',
  PATH_NOT_FOUND: '42K03',
  PATH_ALREADY_EXISTS: '42K04',
  AMBIGUOUS_REFERENCE: '42704',
  DATATYPE_MISMATCH: '42K09',
  WRONG_NUM_ARGS: '42605',
  MISSING_AGGREGATION: '42803',
  MISSING_GROUP_BY: '42803',
  GROUP_BY_POS_OUT_OF_RANGE: '42805',
  ORDER_BY_POS_OUT_OF_RANGE: '42805',
  NUM_COLUMNS_MISMATCH: '42826',
  DIVIDE_BY_ZERO: '22012',
  ARITHMETIC_OVERFLOW: '22003',
  NUMERIC_VALUE_OUT_OF_RANGE: '22003',
  CAST_OVERFLOW: '22003',
  CAST_INVALID_INPUT: '22018',
  INVALID_ARRAY_INDEX: '22003',
  INVALID_FORMAT: '42601',
  SQL_CONF_NOT_FOUND: '42K0I',
  INVALID_HANDLE: 'HY000',
  UNSUPPORTED_FEATURE: '0A000',
  INVALID_PARAMETER_VALUE: '22023',
  MEMORY_LIMIT_EXCEEDED: '53200',
  UNAUTHENTICATED: '28000',
  INTERNAL_ERROR: 'XX000',
};

export function sqlStateFor(errorClass: string): string {
  const top = errorClass.split('.')[0] ?? errorClass;
  return SQL_STATES[errorClass] ?? SQL_STATES[top] ?? 'XX000';
}

const EXC = {
  analysis: ['org.apache.spark.sql.AnalysisException', 'java.lang.Exception', 'java.lang.Throwable'],
  parse: [
    'org.apache.spark.sql.catalyst.parser.ParseException',
    'org.apache.spark.sql.AnalysisException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  arithmetic: [
    'org.apache.spark.SparkArithmeticException',
    'java.lang.ArithmeticException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  numberFormat: [
    'org.apache.spark.SparkNumberFormatException',
    'java.lang.NumberFormatException',
    'java.lang.IllegalArgumentException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  arrayIndex: [
    'org.apache.spark.SparkArrayIndexOutOfBoundsException',
    'java.lang.ArrayIndexOutOfBoundsException',
    'java.lang.IndexOutOfBoundsException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  dateTime: [
    'org.apache.spark.SparkDateTimeException',
    'java.time.DateTimeException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  illegalArgument: [
    'org.apache.spark.SparkIllegalArgumentException',
    'java.lang.IllegalArgumentException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  noSuchElement: [
    'org.apache.spark.SparkNoSuchElementException',
    'java.util.NoSuchElementException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  unsupported: [
    'org.apache.spark.SparkUnsupportedOperationException',
    'java.lang.UnsupportedOperationException',
    'java.lang.RuntimeException',
    'java.lang.Exception',
    'java.lang.Throwable',
  ],
  sqlHandle: ['org.apache.spark.SparkSQLException', 'java.sql.SQLException', 'java.lang.Exception', 'java.lang.Throwable'],
  runtime: ['org.apache.spark.SparkRuntimeException', 'java.lang.RuntimeException', 'java.lang.Exception', 'java.lang.Throwable'],
  spark: ['org.apache.spark.SparkException', 'java.lang.Exception', 'java.lang.Throwable'],
} as const;

/** The JVM class chain Spark would attach for this error class, so pyspark raises the same type. */
export function classesFor(errorClass: string, kind: ErrorKind): string[] {
  const top = errorClass.split('.')[0] ?? errorClass;
  if (top.startsWith('PARSE_') || top === 'INVALID_FORMAT') return [...EXC.parse];
  switch (top) {
    case 'DIVIDE_BY_ZERO':
    case 'ARITHMETIC_OVERFLOW':
    case 'NUMERIC_VALUE_OUT_OF_RANGE':
    case 'CAST_OVERFLOW':
    case 'INTERVAL_DIVIDED_BY_ZERO':
      return [...EXC.arithmetic];
    case 'CAST_INVALID_INPUT':
      return [...EXC.numberFormat];
    case 'INVALID_ARRAY_INDEX':
    case 'INVALID_ARRAY_INDEX_IN_ELEMENT_AT':
      return [...EXC.arrayIndex];
    case 'DATETIME_OVERFLOW':
    case 'CANNOT_PARSE_TIMESTAMP':
      return [...EXC.dateTime];
    case 'INVALID_PARAMETER_VALUE':
    case 'ILLEGAL_ARGUMENT':
      return [...EXC.illegalArgument];
    case 'SQL_CONF_NOT_FOUND':
      return [...EXC.noSuchElement];
    case 'INVALID_HANDLE':
    case 'INVALID_CURSOR':
      return [...EXC.sqlHandle];
    case 'MEMORY_LIMIT_EXCEEDED':
      return [...EXC.runtime];
    default:
      break;
  }
  switch (kind) {
    case 'user':
      return [...EXC.analysis];
    case 'unsupported':
      return [...EXC.unsupported];
    default:
      return [...EXC.spark];
  }
}
