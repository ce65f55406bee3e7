/** Loads every aggregate family into the registry. */
import './basic.js';
import './stats.js';
import './collect.js';

export { lookupAggregate, aggregateNames } from './registry.js';
export type { Accumulator, AggNode, AggregateFunction } from './registry.js';
