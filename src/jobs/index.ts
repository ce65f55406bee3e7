/** BullMQ processors; one file per job. Nothing imports this folder except `main`. */
export {
  type PersistResult,
  type PersistRunsLogger,
  type PersistRunsWorker,
  type PersistRunsWorkerOptions,
  persistRunBatch,
  startPersistRunsWorker,
} from './persist-runs.js';
