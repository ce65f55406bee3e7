/**
 * Routing cost: time spent in `router.route()` per query, over a snapshot with many pins and an
 * active rollout. Reference: a plain Map lookup of the same keys (the floor any router pays).
 *
 *   npm run build && node dist/scripts/bench-router.js
 */
import { performance } from 'node:perf_hooks';
import { type Pin, pinKey, Router, type RoutingSnapshot } from '../src/router/index.js';

const WORKLOADS = 100_000;
const QUERIES = 1_000_000;
const pins = new Map<string, Pin>();
for (let i = 0; i < WORKLOADS; i += 10) {
  pins.set(pinKey('default', `w${i}`), { tenant: 'default', workload: `w${i}`, version: '1.0', reason: 'regression' });
}
const snapshot: RoutingSnapshot = {
  defaultVersion: '2.0',
  pins,
  rollout: { candidate: '2.1', fraction: 0.25, active: true },
  available: new Set(['1.0', '2.0', '2.1']),
};
const router = new Router(snapshot);
const names = Array.from({ length: WORKLOADS }, (_, i) => `w${i}`);

function measure(fn: (w: string) => unknown): { p50: number; p99: number; perOpNs: number } {
  const samples: number[] = [];
  const batch = 1000;
  const t0 = performance.now();
  for (let q = 0; q < QUERIES; q += batch) {
    const s = performance.now();
    for (let i = 0; i < batch; i++) fn(names[(q + i) % WORKLOADS] as string);
    samples.push(((performance.now() - s) * 1e6) / batch);
  }
  const total = performance.now() - t0;
  samples.sort((a, b) => a - b);
  return {
    p50: samples[Math.floor(samples.length * 0.5)] as number,
    p99: samples[Math.floor(samples.length * 0.99)] as number,
    perOpNs: (total * 1e6) / QUERIES,
  };
}

// Warm up both (JIT, cohort hash cache).
measure((w) => router.route('default', w));
const plain = new Map(names.map((w) => [pinKey('default', w), '1.0']));
measure((w) => plain.get(pinKey('default', w)));

const ours = measure((w) => router.route('default', w));
const ref = measure((w) => plain.get(pinKey('default', w)));
const row = (name: string, m: typeof ours) =>
  `| ${name.padEnd(22)} | ${m.p50.toFixed(0).padStart(8)} | ${m.p99.toFixed(0).padStart(8)} | ${m.perOpNs.toFixed(0).padStart(10)} |`;
console.log(`routing ${QUERIES.toLocaleString()} queries over ${WORKLOADS.toLocaleString()} workloads, ${pins.size.toLocaleString()} pins, rollout at 25%`);
console.log('| path                   |  p50 ns  |  p99 ns  | mean ns/op |');
console.log('|------------------------|----------|----------|------------|');
console.log(row('router.route()', ours));
console.log(row('Map.get (reference)', ref));
console.log(`ratio (ours / reference, mean): ${(ours.perOpNs / ref.perOpNs).toFixed(2)}x`);
