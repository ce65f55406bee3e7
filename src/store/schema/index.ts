export { pinEvents } from './pin-events.js';
export { pins } from './pins.js';
export { regressions } from './regressions.js';
export { runs } from './runs.js';
export { runtimes } from './runtimes.js';
export { sessions } from './sessions.js';
export { workloads } from './workloads.js';
export { canaryResults, canaryRuns, capturedPlans } from './canary.js';
export { rolloutDecisions, rollouts } from './rollouts.js';
