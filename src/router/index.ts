export { bucketOf, inCohort } from './cohort.js';
export { type Route, type RouteReason, Router, route } from './router.js';
export { type Pin, pinKey, type RolloutStage, type RoutingSnapshot } from './snapshot.js';
