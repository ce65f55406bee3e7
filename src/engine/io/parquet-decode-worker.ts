/**
 * Worker thread body: decodes Parquet column chunks (see parquet-pages.ts) and posts the vectors back,
 * typed arrays transferred rather than copied. It reads the chunk's bytes itself, so only the file
 * name and byte range cross the thread boundary.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decodeFlatChunkForTransfer } from './parquet-pages.js';
import type { DecodeReply, DecodeTask } from './parquet-decode-pool.js';

const files = new Map<string, number>();

function fdOf(file: string): number {
  let fd = files.get(file);
  if (fd === undefined) {
    // A few files per query; keep the most recent ones open.
    if (files.size >= 16) {
      const [oldest, ofd] = files.entries().next().value as [string, number];
      closeSync(ofd);
      files.delete(oldest);
    }
    fd = openSync(file, 'r');
    files.set(file, fd);
  }
  return fd;
}

parentPort!.on('message', (t: DecodeTask) => {
  let reply: DecodeReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const bytes = new Uint8Array(t.length);
    let got = 0;
    while (got < t.length) {
      const n = readSync(fdOf(t.file), bytes, got, t.length - got, t.start + got);
      if (n === 0) throw new Error(`unexpected end of ${t.file}`);
      got += n;
    }
    const v = decodeFlatChunkForTransfer(bytes, t.chunk, t.type);
    if (v === undefined) reply = { id: t.id, declined: true };
    else if ('dictionary' in v) {
      reply = { id: t.id, text: v };
      transfer.push(v.codes.buffer as ArrayBuffer);
      if (v.valid) transfer.push(v.valid.buffer as ArrayBuffer);
    } else {
      reply = { id: t.id, data: v.data, valid: v.valid, length: v.length };
      if (!Array.isArray(v.data)) transfer.push((v.data as Uint8Array).buffer as ArrayBuffer);
      if (v.valid) transfer.push(v.valid.buffer as ArrayBuffer);
    }
  } catch (e) {
    reply = { id: t.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply, transfer);
});
