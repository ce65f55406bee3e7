import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, inCohort, route } from '../router/index.js';
import type { RolloutStatus } from '../store/index.js';
import { DEFAULT_ROLLOUT_CONFIG, parseDuration, parseStages, resolveConfig } from './config.js';
import type { GateEvaluation } from './gates.js';
import { evaluateGates } from './gates.js';
import { applyCommand, type Command, decideTick, type MachineState, routingStage, TERMINAL } from './machine.js';

const cfg = { ...DEFAULT_ROLLOUT_CONFIG, minIntervalMs: 1_000 };
const ev = (verdict: GateEvaluation['verdict']): GateEvaluation => ({ verdict, gates: [], reason: verdict });

type Step = { kind: 'tick'; verdict: GateEvaluation['verdict']; dt: number } | { kind: 'cmd'; cmd: Command };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('tick' as const), verdict: fc.constantFrom('pass', 'wait', 'fail' as const), dt: fc.integer({ min: 0, max: 3_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cmd' as const), cmd: fc.constantFrom<Command>('pause', 'resume', 'abort', 'rollback') }) },
);
const stagesArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 6 })
  .map((xs) => parseStages(xs.sort((a, b) => a - b)));

describe('rollout state machine', () => {
  it('stages only move forward, one at a time, only on passing gates after the interval; halts are sticky; terminal states absorb', () => {
    fc.assert(
      fc.property(stagesArb, fc.array(step, { maxLength: 60 }), fc.boolean(), (stages, steps, autoRollback) => {
        let now = 0;
        let s: MachineState = { status: 'active', stageIndex: 0, stages, stageStartedAt: 0 };
        for (const st of steps) {
          const before = s;
          if (st.kind === 'tick') {
            now += st.dt;
            const d = decideTick(s, ev(st.verdict), { ...cfg, autoRollback }, now);
            if (s.status !== 'active') expect(d.action).toBe('none');
            if (d.action === 'advance') {
              expect(st.verdict).toBe('pass');
              expect(now - s.stageStartedAt).toBeGreaterThanOrEqual(cfg.minIntervalMs);
              expect(d.toStage).toBe(s.stageIndex + 1);
              s = { ...s, stageIndex: d.toStage, stageStartedAt: now };
            } else if (d.action === 'complete') {
              expect(s.stageIndex).toBe(stages.length - 1);
              s = { ...s, status: 'completed' };
            } else if (d.action === 'halt') {
              expect(st.verdict).toBe('fail');
              expect(d.status).toBe(autoRollback ? 'rolled_back' : 'halted');
              s = { ...s, status: d.status };
            } else if (d.action === 'hold') {
              expect(st.verdict === 'wait' || now - s.stageStartedAt < cfg.minIntervalMs).toBe(true);
            }
          } else {
            const r = applyCommand(s, st.cmd);
            if ('status' in r) s = { ...s, status: r.status, ...(st.cmd === 'resume' ? { stageStartedAt: now } : {}) };
            if (before.status === 'halted' && s.status !== 'halted') expect(st.kind).toBe('cmd');
          }
          // Monotone stages and fractions.
          expect(s.stageIndex).toBeGreaterThanOrEqual(before.stageIndex);
          expect(s.stages[s.stageIndex] as number).toBeGreaterThanOrEqual(before.stages[before.stageIndex] as number);
          // A halted rollout only leaves halted through an operator command.
          if (before.status === 'halted' && st.kind === 'tick') expect(s.status).toBe('halted');
          // Aborted and rolled back are absorbing; completed only allows rollback.
          if (before.status === 'aborted' || before.status === 'rolled_back') expect(s.status).toBe(before.status);
          if (before.status === 'completed') expect(['completed', 'rolled_back']).toContain(s.status);
          if (TERMINAL.includes(s.status as RolloutStatus)) expect(routingStage({ candidate: 'c', ...s }).active).toBe(false);
        }
      }),
    );
  });

  it('parses stages and durations; rejects nonsense', () => {
    expect(parseStages('1,5,25,50,100')).toEqual([0.01, 0.05, 0.25, 0.5, 1]);
    expect(parseStages('10,50')).toEqual([0.1, 0.5, 1]);
    expect(() => parseStages('5,1')).toThrow();
    expect(() => parseStages('0,50')).toThrow();
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(() => parseDuration('soon')).toThrow();
    expect(() => resolveConfig({ maxRegressionRate: 2 })).toThrow();
  });

  it('gates: a regression fails the stage even before min runs; too few runs waits; latency from one sample never fails', () => {
    const base = { candidateRuns: 3, candidateWorkloads: 3, regressedWorkloads: [] as string[], candidateErrors: 0, baselineRuns: 50, baselineErrors: 0 };
    expect(evaluateGates(base, DEFAULT_ROLLOUT_CONFIG).verdict).toBe('wait');
    expect(evaluateGates({ ...base, regressedWorkloads: ['etl'] }, DEFAULT_ROLLOUT_CONFIG).verdict).toBe('fail');
    expect(evaluateGates({ ...base, candidateRuns: 40 }, DEFAULT_ROLLOUT_CONFIG).verdict).toBe('pass');
    expect(evaluateGates({ ...base, candidateRuns: 40, candidateErrors: 10 }, DEFAULT_ROLLOUT_CONFIG).verdict).toBe('fail');
    expect(
      evaluateGates(
        { ...base, candidateRuns: 40, latency: { ratio: 50, pValue: 1, effect: 1, nCandidate: 1, nBaseline: 1, slower: false, detail: 'n=1' } },
        DEFAULT_ROLLOUT_CONFIG,
      ).verdict,
    ).toBe('pass');
  });

  it('gates: a latency slowdown first raises a suspicion, and fails only when runs after it confirm it', () => {
    const base = { candidateRuns: 40, candidateWorkloads: 3, regressedWorkloads: [] as string[], candidateErrors: 0, baselineRuns: 50, baselineErrors: 0 };
    const slow = { ratio: 2, pValue: 1e-6, effect: 0.9, nCandidate: 30, nBaseline: 30, slower: true, detail: 'median ratio 2.00' };
    const fine = { ...slow, ratio: 1, pValue: 0.5, slower: false, detail: 'median ratio 1.00' };
    const first = evaluateGates({ ...base, latency: slow }, DEFAULT_ROLLOUT_CONFIG);
    expect(first.verdict).toBe('wait');
    expect(first.gates.find((g) => g.gate === 'latency')).toMatchObject({ verdict: 'wait', suspect: true });
    const at = new Date('2026-01-01T00:00:00Z');
    expect(evaluateGates({ ...base, latency: slow, latencySuspectedAt: at }, DEFAULT_ROLLOUT_CONFIG).verdict).toBe('fail');
    expect(evaluateGates({ ...base, latency: fine, latencySuspectedAt: at }, DEFAULT_ROLLOUT_CONFIG).verdict).toBe('pass');
    const few = evaluateGates({ ...base, latency: { ...fine, nCandidate: 3 }, latencySuspectedAt: at }, DEFAULT_ROLLOUT_CONFIG);
    expect(few.verdict).toBe('wait');
    expect(few.gates.find((g) => g.gate === 'latency')?.suspect).toBeUndefined();
  });
});

describe('cohorts', () => {
  const name = fc.string({ minLength: 1, maxLength: 20 });
  it('are monotone across stages: admitted at a fraction ⇒ admitted at every larger fraction', () => {
    fc.assert(
      fc.property(name, name, stagesArb, (tenant, workload, stages) => {
        let admitted = false;
        for (const f of stages) {
          const now = inCohort(tenant, workload, f);
          if (admitted) expect(now).toBe(true);
          admitted ||= now;
        }
        expect(inCohort(tenant, workload, 1)).toBe(true);
      }),
    );
  });

  it('are stable across gateways and restarts: the bucket is a pure function of (tenant, workload)', () => {
    fc.assert(
      fc.property(name, name, (tenant, workload) => {
        // What any other process computes from scratch, with no shared state or cache.
        const independent = createHash('sha256').update(`${tenant}\u0000${workload}`).digest().readUInt32BE(0) / 2 ** 32;
        expect(bucketOf(tenant, workload)).toBe(independent);
        expect(bucketOf(tenant, workload)).toBe(independent);
      }),
    );
  });

  it('pinned workloads stay pinned whatever the stage; the cohort only routes to the candidate while active', () => {
    fc.assert(
      fc.property(name, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.boolean(), (workload, fraction, active, pinned) => {
        const snap = {
          defaultVersion: '1.0',
          pins: new Map(pinned ? [[`t\u0000${workload}`, { tenant: 't', workload, version: '0.9', reason: 'regression' as const }]] : []),
          rollout: { candidate: '2.0', fraction, active },
          available: new Set(['0.9', '1.0', '2.0']),
        };
        const r = route(snap, 't', workload);
        if (pinned) expect(r.version).toBe('0.9');
        else if (active && inCohort('t', workload, fraction)) expect(r.version).toBe('2.0');
        else expect(r.version).toBe('1.0');
      }),
    );
  });
});
