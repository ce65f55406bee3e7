export type { AttemptRecord, ExecutionPolicy, FailureContext, RetryDecision } from './execution.js';
export { isTransient } from './forwarded-status.js';
export { type AuthConfig, DEFAULT_TENANT } from './identity.js';
export { type CapturedExecution, Gateway, type GatewayOptions } from './server.js';
export type { GatewaySession, SetupStep } from './sessions.js';
