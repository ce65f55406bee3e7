import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { PerennialError } from '../../core/errors.js';
import type { Executor } from '../db.js';
import { rolloutDecisions, rollouts } from '../schema/index.js';

export type RolloutStatus = 'active' | 'paused' | 'halted' | 'completed' | 'aborted' | 'rolled_back';
export const OPEN_ROLLOUT_STATUSES: readonly RolloutStatus[] = ['active', 'paused', 'halted'];

export interface RolloutRecord {
  id: number;
  candidate: string;
  baseline: string;
  stages: number[];
  stageIndex: number;
  status: RolloutStatus;
  config: Record<string, unknown>;
  reason: string | null;
  createdBy: string;
  createdAt: Date;
  stageStartedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface RolloutDecisionRecord {
  id: number;
  rolloutId: number;
  at: Date;
  action: string;
  fromStage: number | null;
  toStage: number | null;
  fraction: number | null;
  status: string;
  reason: string;
  gates: unknown;
  actor: string;
}

export interface NewRolloutDecision {
  action: string;
  reason: string;
  actor: string;
  gates?: unknown;
  fromStage?: number | null;
  toStage?: number | null;
  at?: Date;
}

export interface StartRolloutInput {
  candidate: string;
  baseline: string;
  stages: number[];
  config: Record<string, unknown>;
  createdBy: string;
  at?: Date;
}

export interface RolloutPatch {
  status?: RolloutStatus;
  stageIndex?: number;
  stageStartedAt?: Date;
  reason?: string | null;
  finishedAt?: Date | null;
}

export class RolloutsRepository {
  constructor(private readonly db: Executor) {}

  /** The open rollout (active, paused or halted), if any. */
  async current(): Promise<RolloutRecord | null> {
    const [row] = await this.db
      .select()
      .from(rollouts)
      .where(inArray(rollouts.status, [...OPEN_ROLLOUT_STATUSES]))
      .orderBy(desc(rollouts.id))
      .limit(1);
    return (row as RolloutRecord | undefined) ?? null;
  }

  /** The newest rollout whatever its status. */
  async latest(): Promise<RolloutRecord | null> {
    const [row] = await this.db.select().from(rollouts).orderBy(desc(rollouts.id)).limit(1);
    return (row as RolloutRecord | undefined) ?? null;
  }

  async get(id: number): Promise<RolloutRecord | null> {
    const [row] = await this.db.select().from(rollouts).where(eq(rollouts.id, id));
    return (row as RolloutRecord | undefined) ?? null;
  }

  async list(limit = 20): Promise<RolloutRecord[]> {
    return (await this.db.select().from(rollouts).orderBy(desc(rollouts.id)).limit(limit)) as RolloutRecord[];
  }

  /** Creates an active rollout at stage 0 and its 'start' decision. Refused while another is open. */
  async start(input: StartRolloutInput, decision: NewRolloutDecision): Promise<RolloutRecord> {
    return this.db.transaction(async (tx) => {
      const at = input.at ?? new Date();
      const rows = await tx
        .insert(rollouts)
        .values({
          candidate: input.candidate,
          baseline: input.baseline,
          stages: input.stages,
          stageIndex: 0,
          status: 'active',
          config: input.config,
          reason: decision.reason,
          createdBy: input.createdBy,
          createdAt: at,
          stageStartedAt: at,
          updatedAt: at,
        })
        .onConflictDoNothing()
        .returning();
      const row = rows[0] as RolloutRecord | undefined;
      if (!row) {
        throw new PerennialError(
          'ROLLOUT_IN_PROGRESS',
          'Another rollout is open; finish, abort or roll it back first.',
          {
            kind: 'user',
            sqlState: '55000',
          },
        );
      }
      await insertDecision(tx, row, { ...decision, at, fromStage: null, toStage: 0 });
      return row;
    });
  }

  /**
   * Applies `patch` only if the rollout is still in `expected` (status and stage) — a compare-and-set,
   * so two deciders (or a decider and an operator) cannot both move it — and records the decision.
   * Returns the new row, or null when the rollout had moved meanwhile.
   */
  async transition(
    expected: Pick<RolloutRecord, 'id' | 'status' | 'stageIndex'>,
    patch: RolloutPatch,
    decision: NewRolloutDecision,
  ): Promise<RolloutRecord | null> {
    return this.db.transaction(async (tx) => {
      const at = decision.at ?? new Date();
      const rows = await tx
        .update(rollouts)
        .set({ ...patch, updatedAt: at })
        .where(
          and(
            eq(rollouts.id, expected.id),
            eq(rollouts.status, expected.status),
            eq(rollouts.stageIndex, expected.stageIndex),
          ),
        )
        .returning();
      const row = rows[0] as RolloutRecord | undefined;
      if (!row) return null;
      await insertDecision(tx, row, { fromStage: expected.stageIndex, toStage: row.stageIndex, ...decision, at });
      return row;
    });
  }

  /** Records a decision that changes nothing (a hold, with its reason). */
  async note(r: RolloutRecord, decision: NewRolloutDecision): Promise<void> {
    await insertDecision(this.db, r, { fromStage: r.stageIndex, toStage: r.stageIndex, ...decision });
  }

  /** Newest first. */
  async decisions(rolloutId: number, limit = 100): Promise<RolloutDecisionRecord[]> {
    return this.db
      .select()
      .from(rolloutDecisions)
      .where(eq(rolloutDecisions.rolloutId, rolloutId))
      .orderBy(desc(rolloutDecisions.at), desc(rolloutDecisions.id))
      .limit(limit);
  }

  async lastDecision(rolloutId: number): Promise<RolloutDecisionRecord | null> {
    return (await this.decisions(rolloutId, 1))[0] ?? null;
  }

  /**
   * When the latency gate last suspected a slowdown in the rollout's current stage (a decision whose
   * gates carry the latency suspicion), or null.
   */
  async latencySuspectedAt(r: Pick<RolloutRecord, 'id' | 'stageIndex' | 'stageStartedAt'>): Promise<Date | null> {
    const rows = await this.db
      .select({ at: rolloutDecisions.at })
      .from(rolloutDecisions)
      .where(
        and(
          eq(rolloutDecisions.rolloutId, r.id),
          eq(rolloutDecisions.toStage, r.stageIndex),
          gte(rolloutDecisions.at, r.stageStartedAt),
          sql`${rolloutDecisions.gates} @> ${JSON.stringify([{ gate: 'latency', suspect: true }])}::jsonb`,
        ),
      )
      .orderBy(desc(rolloutDecisions.at))
      .limit(1);
    return rows[0]?.at ?? null;
  }
}

async function insertDecision(db: Executor, r: RolloutRecord, d: NewRolloutDecision): Promise<void> {
  const toStage = d.toStage ?? r.stageIndex;
  await db.insert(rolloutDecisions).values({
    rolloutId: r.id,
    at: d.at ?? new Date(),
    action: d.action,
    fromStage: d.fromStage ?? null,
    toStage,
    fraction: r.stages[toStage] ?? null,
    status: r.status,
    reason: d.reason,
    gates: d.gates ?? null,
    actor: d.actor,
  });
}
