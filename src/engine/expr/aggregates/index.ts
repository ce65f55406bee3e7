/** Loads every aggregate family into the registry. */
import './basic.js';
import './stats.js';
import './collect.js';
import './percentile.js';
import './regression.js';
import './bitwise.js';
import './ordered.js';
import './bitmap.js';
import './count-min-sketch.js';

export { lookupAggregate, aggregateNames } from './registry.js';
export type { Accumulator, AggNode, AggregateFunction } from './registry.js';
export { withinGroupUnsupported } from './args.js';
export { WINDOW_ONLY_FUNCTIONS, fixedFrame, windowFunctionSql } from './window-functions.js';
