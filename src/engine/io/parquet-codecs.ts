/**
 * Page decompression for every Parquet codec, shared by our page decoder and hyparquet.
 * GZIP and BROTLI use Node's native zlib; ZSTD, LZ4 and LZ4_RAW come from hyparquet-compressors
 * (Node 20's zlib has no zstd); SNAPPY is the wasm decoder,
 * chosen by measurement (see SNAPPY below).
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compressors as extra } from 'hyparquet-compressors';

export type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const CODECS: Record<string, Decompress> = {
  // Measured on TPC-H q06 at SF1 (node --cpu-prof): hyparquet's JS snappy 255 ms per run, the wasm
  // decoder (hysnappy) 54 ms.
  SNAPPY: extra.SNAPPY as Decompress,
  GZIP: (input) => bytes(gunzipSync(input)),
  BROTLI: (input) => bytes(brotliDecompressSync(input)),
  ZSTD: extra.ZSTD as Decompress,
  LZ4: extra.LZ4 as Decompress,
  LZ4_RAW: extra.LZ4_RAW as Decompress,
};
