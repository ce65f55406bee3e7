/**
 * `spark.conf` for one session: a registry of known keys with Spark's defaults (runtime profile and
 * manifest defaults applied), plus free-form `spark.*` keys that may be set and read back.
 */
import { PerennialError } from '../../core/errors.js';
import type { RuntimeProfile, SessionConf } from '../api.js';

const STATIC_DEFAULTS: Record<string, string> = {
  'spark.sql.session.timeZone': 'UTC',
  'spark.sql.timestampType': 'TIMESTAMP_LTZ',
  'spark.sql.execution.arrow.maxRecordsPerBatch': '10000',
  'spark.sql.execution.arrow.useLargeVarTypes': 'false',
  'spark.sql.execution.arrow.pyspark.enabled': 'false',
  'spark.sql.execution.arrow.pyspark.selfDestruct.enabled': 'false',
  'spark.sql.execution.pandas.structHandlingMode': 'legacy',
  'spark.sql.execution.pandas.convertToArrowArraySafely': 'false',
  'spark.sql.execution.pandas.inferPandasDictAsMap': 'false',
  'spark.sql.pyspark.inferNestedDictAsStruct.enabled': 'false',
  'spark.sql.pyspark.legacy.inferArrayTypeFromFirstElement.enabled': 'false',
  'spark.sql.pyspark.legacy.inferMapTypeFromFirstPair.enabled': 'false',
  'spark.sql.session.localRelationCacheThreshold': '67108864',
  'spark.sql.session.localRelationSizeLimit': '2147483647',
  'spark.sql.session.localRelationChunkSizeRows': '10000',
  'spark.sql.session.localRelationChunkSizeBytes': '16777216',
  'spark.sql.session.localRelationBatchOfChunksSizeBytes': '134217728',
  'spark.sql.repl.eagerEval.enabled': 'false',
  'spark.sql.repl.eagerEval.maxNumRows': '20',
  'spark.sql.repl.eagerEval.truncate': '20',
  'spark.sql.connect.serverStacktrace.enabled': 'false',
  'spark.sql.pyspark.jvmStacktrace.enabled': 'false',
  'spark.connect.session.planCompression.threshold': '-1',
  'spark.sql.shuffle.partitions': '200',
  'spark.sql.caseSensitive': 'false',
  'spark.sql.crossJoin.enabled': 'true',
  'spark.sql.legacy.allowNegativeScaleOfDecimal': 'false',
  'spark.sql.decimalOperations.allowPrecisionLoss': 'true',
  'spark.sql.sources.default': 'parquet',
  'spark.sql.warehouse.dir': '',
  'spark.app.name': 'perennial',
};

/** Keys Spark refuses to change at runtime (static SQL configs). */
const STATIC_KEYS = new Set(['spark.sql.warehouse.dir', 'spark.app.name']);

export class SessionConfig implements SessionConf {
  private readonly defaults: Map<string, string>;
  private readonly values = new Map<string, string>();

  constructor(profile: RuntimeProfile, manifestDefaults: Record<string, string> = {}, warehouseDir = '') {
    this.defaults = new Map(Object.entries(STATIC_DEFAULTS));
    this.defaults.set('spark.sql.ansi.enabled', String(profile.ansiEnabled));
    this.defaults.set('spark.sql.legacy.sizeOfNull', String(profile.legacySizeOfNull));
    this.defaults.set('spark.sql.legacy.statisticalAggregate', String(profile.legacyStatisticalAggregate));
    this.defaults.set('spark.sql.warehouse.dir', warehouseDir);
    for (const [k, v] of Object.entries(manifestDefaults)) this.defaults.set(k, v);
  }

  get(key: string): string {
    const v = this.getOption(key);
    if (v === undefined) {
      throw new PerennialError('SQL_CONF_NOT_FOUND', `[SQL_CONF_NOT_FOUND] The SQL config "${key}" cannot be found. Please verify that the config exists. SQLSTATE: 42K0I`, {
        messageParameters: { sqlConf: `"${key}"` },
      });
    }
    return v;
  }

  getOption(key: string): string | undefined {
    return this.values.get(key) ?? this.defaults.get(key);
  }

  set(key: string, value: string): void {
    if (STATIC_KEYS.has(key)) {
      throw new PerennialError(
        'CANNOT_MODIFY_CONFIG',
        `[CANNOT_MODIFY_CONFIG] Cannot modify the value of the Spark config: "${key}".\nSee also 'https://spark.apache.org/docs/latest/sql-migration-guide.html#ddl-statements'. SQLSTATE: 46110`,
        { messageParameters: { key: `"${key}"`, docroot: 'https://spark.apache.org/docs/latest' } },
      );
    }
    if (key === 'spark.sql.ansi.enabled' || key.startsWith('spark.sql.legacy.')) {
      const v = value.trim().toLowerCase();
      if (key === 'spark.sql.ansi.enabled' && v !== 'true' && v !== 'false') {
        throw new PerennialError(
          'INVALID_CONF_VALUE.TYPE_MISMATCH',
          `[INVALID_CONF_VALUE.TYPE_MISMATCH] The value '${value}' in the config "${key}" is invalid. Config ${key} should be of type boolean, but was ${value}. SQLSTATE: 22022`,
        );
      }
    }
    this.values.set(key, value);
  }

  unset(key: string): void {
    this.values.delete(key);
  }

  reset(): void {
    this.values.clear();
  }

  getAll(prefix?: string): [string, string][] {
    const all = new Map(this.defaults);
    for (const [k, v] of this.values) all.set(k, v);
    return [...all.entries()].filter(([k]) => !prefix || k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  isModifiable(key: string): boolean {
    return !STATIC_KEYS.has(key);
  }

  bool(key: string): boolean {
    return (this.getOption(key) ?? 'false').trim().toLowerCase() === 'true';
  }
}
