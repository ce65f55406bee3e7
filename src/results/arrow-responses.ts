/** Arrow record batches → the bytes of Arrow IPC streams, one per `ArrowBatch` response. */
import { type RecordBatch, RecordBatchStreamWriter, type Schema } from 'apache-arrow';

/** Each Spark Connect `ArrowBatch.data` is a complete IPC stream: schema, one batch, end marker. */
export function encodeArrowBatchResponses(batch: RecordBatch): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

/** An IPC stream with the schema and no batches: the shape of an empty result. */
export function encodeEmptyIpc(schema: Schema): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  writer.finish();
  return writer.toUint8Array(true);
}
