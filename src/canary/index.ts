/**
 * Runtime canaries: capture real workloads' plans at the gateway, replay them (and built-in
 * catalogues) on a candidate and a baseline runtime, compare outcome, result and latency, shrink
 * each regression to a minimal plan; and shadow runs of live queries on a candidate. docs/CANARY.md.
 */
export { PlanCapture, type PlanCaptureOptions } from './capture.js';
export { ensureTpchData, parquetViewStep, sqlPlan, tpchCatalogue, tpchDataDir } from './catalogue.js';
export { compareResults, latencyVerdict, median, type ResultSet, resultDigest, resultSetOf } from './compare.js';
export { type CanaryPlatformOptions, canaryOptionsFromEnv } from './config.js';
export { type Divergence, divergenceOf, minimizeOnTargets } from './divergence.js';
export { minimizeRelation, type Minimized } from './minimize.js';
export { countOperators, planRelation, topIsSort } from './plan-tree.js';
export { Progress } from './progress.js';
export { redactPlan, redactSetup, redactSqlText } from './redact.js';
export { relationToDataFrame, relationToSql, renderPlan } from './render.js';
export { ReplaySession, type ReplayTarget, type RunResult } from './replay.js';
export { junitXml, markdownSummary } from './report.js';
export { type CanaryReport, type PlanOutcome, runCanary, type RunCanaryOptions } from './runner.js';
export { decodeSetupLog, encodeSetupLog } from './setup-log.js';
export { ShadowRunner, type ShadowOptions, type ShadowResult } from './shadow.js';
export { fromCaptured, sample } from './sources.js';
export { defaultBaseline, resolveRuntime, startCanaryDrivers, type ResolvedRuntime } from './targets.js';
export type { CapturedRun, ReplayablePlan, SetupStep } from './types.js';
export { type CanaryCommandOptions, type CanaryCommandResult, runCanaryCommand } from './command.js';
