export { type BufferedResponse, OperationBuffer } from './operation-buffer.js';
export { encodeArrowBatchResponses, encodeEmptyIpc } from './arrow-responses.js';
export { normalizeSqlText, planFingerprint, planSqlText } from './plan-fingerprint.js';
export { planHasWrite } from './plan-effects.js';
export { type ResponseCall, streamToCall } from './stream-to-call.js';
