/**
 * Structured logging (pino). Messages are fixed strings; details go in fields, so logs group and
 * search well: `log.info({ version, pid }, 'driver started')`.
 */
import { destination, type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, destination(2));
}
