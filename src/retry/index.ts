export { type BlinkPolicyDeps, BlinkTwicePolicy, type RegressionCommit } from './blink-policy.js';
export { decideRetry, type RetryInput, type RetryOutcome } from './decide.js';
