/**
 * The rollout state machine, pure. The controller feeds it gate evaluations; operators feed it
 * commands. Stages only move forward, a halt is never undone by the controller (only an operator's
 * resume), and terminal states (completed, aborted, rolled_back) are absorbing — except that rolling
 * back a completed rollout restores the previous default.
 *
 *   active ──pass & interval──▶ active(stage+1) … ──last stage passes──▶ completed
 *     │  └─fail─▶ halted (or rolled_back with autoRollback)
 *     ├─pause─▶ paused ─resume─▶ active          halted ─resume─▶ active (stage timer restarts)
 *     └─abort─▶ aborted            any open or completed ─rollback─▶ rolled_back
 */
import type { RolloutStatus } from '../store/index.js';
import type { RolloutConfig } from './config.js';
import type { GateEvaluation } from './gates.js';

export interface MachineState {
  status: RolloutStatus;
  stageIndex: number;
  stages: readonly number[];
  stageStartedAt: number;
}

export type TickDecision =
  | { action: 'none' }
  | { action: 'hold'; reason: string }
  | { action: 'advance'; toStage: number; reason: string }
  | { action: 'complete'; reason: string }
  | { action: 'halt'; status: 'halted' | 'rolled_back'; reason: string };

export type Command = 'pause' | 'resume' | 'abort' | 'rollback';

export const TERMINAL: readonly RolloutStatus[] = ['completed', 'aborted', 'rolled_back'];

/** What the controller does with a gate evaluation at `now`. */
export function decideTick(s: MachineState, ev: GateEvaluation, cfg: RolloutConfig, now: number): TickDecision {
  if (s.status !== 'active') return { action: 'none' };
  if (ev.verdict === 'fail') {
    return { action: 'halt', status: cfg.autoRollback ? 'rolled_back' : 'halted', reason: ev.reason };
  }
  if (ev.verdict === 'wait') return { action: 'hold', reason: ev.reason };
  const left = s.stageStartedAt + cfg.minIntervalMs - now;
  if (left > 0) return { action: 'hold', reason: `gates pass; stage minimum interval has ${Math.ceil(left / 1000)} s left` };
  if (s.stageIndex >= s.stages.length - 1) return { action: 'complete', reason: `last stage passed: ${ev.reason}` };
  return {
    action: 'advance',
    toStage: s.stageIndex + 1,
    reason: `stage ${pctOf(s.stages[s.stageIndex])} passed; admitting ${pctOf(s.stages[s.stageIndex + 1])}: ${ev.reason}`,
  };
}

/** The status an operator command leads to, or an explanation of why it is refused. */
export function applyCommand(s: Pick<MachineState, 'status'>, cmd: Command): { status: RolloutStatus } | { refused: string } {
  switch (cmd) {
    case 'pause':
      return s.status === 'active' ? { status: 'paused' } : { refused: `cannot pause: the rollout is ${s.status}` };
    case 'resume':
      return s.status === 'paused' || s.status === 'halted' ? { status: 'active' } : { refused: `cannot resume: the rollout is ${s.status}` };
    case 'abort':
      return s.status === 'active' || s.status === 'paused' || s.status === 'halted'
        ? { status: 'aborted' }
        : { refused: `cannot abort: the rollout is ${s.status}` };
    case 'rollback':
      return s.status === 'aborted' || s.status === 'rolled_back'
        ? { refused: `cannot roll back: the rollout is ${s.status}` }
        : { status: 'rolled_back' };
  }
}

/** What the router sees: the candidate and the current fraction; admits only while active. */
export function routingStage(r: { candidate: string; status: RolloutStatus; stageIndex: number; stages: readonly number[] }) {
  return { candidate: r.candidate, fraction: r.stages[r.stageIndex] ?? 0, active: r.status === 'active' };
}

export function pctOf(f: number | undefined): string {
  return `${Math.round((f ?? 0) * 1000) / 10}%`;
}
