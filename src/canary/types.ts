import type { ExecutePlanRequest, Plan } from '../protocol/index.js';

/** One step of a session's setup log (the gateway's replay steps: the client's own requests, raw). */
export type SetupStep =
  | { method: 'Config'; raw: Uint8Array }
  | { method: 'ExecutePlan'; raw: Uint8Array }
  | { method: 'AddArtifacts'; raw: Uint8Array[] };

/** A successful execution as the gateway's capture hook reports it (structurally the gateway's CapturedExecution). */
export interface CapturedRun {
  session: { tenant: string; workload: string };
  request: ExecutePlanRequest;
  raw: Uint8Array;
  version: string;
  durationMs: number;
  setup: readonly SetupStep[];
  sessionState: boolean;
  responses: Uint8Array[] | undefined;
}

/** A plan the canary can replay: captured from a workload, or from a built-in catalogue. */
export interface ReplayablePlan {
  /** Name in reports: `q01` for catalogue queries, `<workload>/<fingerprint>` for captured plans. */
  name: string;
  source: 'captured' | 'tpch';
  tenant: string;
  workload: string;
  fingerprint: string;
  plan: Plan | undefined;
  setup: SetupStep[];
  hasWrite: boolean;
  /** Result row order is meaningful (top of the plan is a sort). */
  ordered: boolean;
  sqlText?: string | undefined;
  redacted?: boolean;
  capturedPlanId?: number;
}
