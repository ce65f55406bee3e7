/** The side path off the request path: run events → bounded buffer → BullMQ (or a disk spill). */
export type { RunEvent, RunOutcome } from './events.js';
export {
  BufferedRecorder,
  type BufferedRecorderOptions,
  type DropReason,
  type RecorderLogger,
  type RecorderStats,
  type RunBatchSink,
  type RunRecorder,
} from './recorder.js';
