/**
 * A session's setup log (the gateway's replay steps) as one byte string for Postgres:
 *
 *   u32 steps · per step: u8 method (0 Config, 1 ExecutePlan, 2 AddArtifacts) · u32 parts · per part: u32 length · bytes
 */
import type { SetupStep } from './types.js';

const METHODS = ['Config', 'ExecutePlan', 'AddArtifacts'] as const;

export function encodeSetupLog(steps: readonly SetupStep[]): Uint8Array {
  let size = 4;
  for (const s of steps) {
    const parts = s.method === 'AddArtifacts' ? s.raw : [s.raw];
    size += 5;
    for (const p of parts) size += 4 + p.byteLength;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let o = 0;
  view.setUint32(o, steps.length);
  o += 4;
  for (const s of steps) {
    const parts = s.method === 'AddArtifacts' ? s.raw : [s.raw];
    view.setUint8(o, METHODS.indexOf(s.method));
    view.setUint32(o + 1, parts.length);
    o += 5;
    for (const p of parts) {
      view.setUint32(o, p.byteLength);
      o += 4;
      out.set(p, o);
      o += p.byteLength;
    }
  }
  return out;
}

export function decodeSetupLog(bytes: Uint8Array): SetupStep[] {
  if (bytes.byteLength === 0) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const n = view.getUint32(o);
  o += 4;
  const steps: SetupStep[] = [];
  for (let i = 0; i < n; i++) {
    const method = METHODS[view.getUint8(o)];
    const count = view.getUint32(o + 1);
    o += 5;
    const parts: Uint8Array[] = [];
    for (let j = 0; j < count; j++) {
      const len = view.getUint32(o);
      o += 4;
      parts.push(bytes.slice(o, o + len));
      o += len;
    }
    if (method === undefined) throw new Error('corrupt setup log: unknown method');
    if (method === 'AddArtifacts') steps.push({ method, raw: parts });
    else steps.push({ method, raw: parts[0] ?? new Uint8Array() });
  }
  return steps;
}

export function setupLogBytes(steps: readonly SetupStep[]): number {
  let n = 0;
  for (const s of steps) n += s.method === 'AddArtifacts' ? s.raw.reduce((a, r) => a + r.byteLength, 0) : s.raw.byteLength;
  return n;
}
