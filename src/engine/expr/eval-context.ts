/** Per-query settings that expression kernels read (resolved from the session conf when the query starts). */
export interface EvalContext {
  ansi: boolean;
  timeZone: string;
  legacySizeOfNull: boolean;
  legacyStatisticalAggregate: boolean;
  /** Current timestamp (µs) fixed for the whole query, as Spark does. */
  nowMicros: number;
}

export function defaultEvalContext(): EvalContext {
  return { ansi: true, timeZone: 'UTC', legacySizeOfNull: false, legacyStatisticalAggregate: false, nowMicros: Date.now() * 1000 };
}
