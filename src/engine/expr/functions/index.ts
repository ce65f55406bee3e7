/** Loads every function family into the registry. */
import './operators.js';
import './conditional.js';
import './math.js';
import './string.js';
import './datetime-fns.js';
import './collection.js';
import './misc.js';

export { lookupFunction, functionNames } from './registry.js';
export { dataTypeMismatch, wrongNumArgs, type ResolveContext } from './registry.js';
