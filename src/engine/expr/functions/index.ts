/** Loads every function family into the registry. */
import './operators.js';
import './conditional.js';
import './math.js';
import './string.js';
import './datetime-fns.js';
import './time-fns.js';
import './datetime-make.js';
import './interval-fns.js';
import './collection.js';
import './higher-order.js';
import './array-fns.js';
import './map-fns.js';
import './bitwise.js';
import './misc.js';
import './number-format.js';
import './json-fns.js';
import './url.js';
import './aes.js';
import './csv-fns.js';

export { lookupFunction, functionNames } from './registry.js';
export { dataTypeMismatch, wrongNumArgs, type ResolveContext } from './registry.js';
