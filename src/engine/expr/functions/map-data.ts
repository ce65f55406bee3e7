/**
 * Map row values ({keys, values}) and how functions build them. Spark's default
 * `spark.sql.mapKeyDedupPolicy` is EXCEPTION: a repeated key is an error, as is a NULL key.
 */
import { PerennialError } from '../../../core/errors.js';
import type { DataType } from '../../plan/data-type.js';
import { formatValue } from '../format-value.js';
import { valueKey } from '../value-key.js';

export type MapV = { keys: unknown[]; values: unknown[] };

export function nullMapKey(): PerennialError {
  return new PerennialError('NULL_MAP_KEY', '[NULL_MAP_KEY] Cannot use null as map key. SQLSTATE: 2200E');
}

export function duplicatedMapKey(keyType: DataType, key: unknown): PerennialError {
  const text = formatValue(keyType, key, { timeZone: 'UTC' });
  return new PerennialError(
    'DUPLICATED_MAP_KEY',
    `[DUPLICATED_MAP_KEY] Duplicate map key ${text} was found, please check the input data. If you want to remove the duplicated keys, you can set "spark.sql.mapKeyDedupPolicy" to "LAST_WIN" so that the key inserted at last takes precedence. SQLSTATE: 23505`,
    { messageParameters: { key: text, mapKeyDedupPolicy: '"spark.sql.mapKeyDedupPolicy"' } },
  );
}

/** Accumulates entries in insertion order, rejecting NULL and repeated keys. */
export class MapBuilder {
  private readonly seen = new Set<unknown>();
  readonly keys: unknown[] = [];
  readonly values: unknown[] = [];

  constructor(private readonly keyType: DataType) {}

  put(k: unknown, v: unknown): void {
    if (k === null || k === undefined) throw nullMapKey();
    const key = valueKey(this.keyType, k);
    if (this.seen.has(key)) throw duplicatedMapKey(this.keyType, k);
    this.seen.add(key);
    this.keys.push(k);
    this.values.push(v);
  }

  build(): MapV {
    return { keys: this.keys, values: this.values };
  }
}

/** Builds a map from parallel key and value lists. */
export function buildMap(keyType: DataType, keys: unknown[], values: unknown[]): MapV {
  const b = new MapBuilder(keyType);
  for (let i = 0; i < keys.length; i++) b.put(keys[i], values[i] ?? null);
  return b.build();
}
