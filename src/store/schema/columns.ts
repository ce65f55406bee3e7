import { customType, timestamp } from 'drizzle-orm/pg-core';

/** `timestamptz` read and written as a JS `Date`. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** `bytea` as a `Uint8Array` (node-postgres returns a Buffer, which is one). */
export const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType() {
    return 'bytea';
  },
  toDriver(value) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  },
});
