/** Whether a plan writes (tables, files): such plans are retried only when nothing can have committed. */
import type { Plan } from '../protocol/index.js';

const WRITE_SQL = /^(INSERT|CREATE\s+(OR\s+REPLACE\s+)?(EXTERNAL\s+)?TABLE|DROP\s+TABLE|ALTER|TRUNCATE|MERGE|DELETE|UPDATE|CREATE\s+(DATABASE|SCHEMA)|DROP\s+(DATABASE|SCHEMA))\b/i;

export function planHasWrite(plan: Plan | undefined): boolean {
  const op = plan?.opType;
  if (op?.case !== 'command') return false;
  const c = op.value.commandType;
  if (c.case === 'writeOperation' || c.case === 'writeOperationV2') return true;
  if (c.case === 'sqlCommand') {
    const text = c.value.input?.relType.case === 'sql' ? c.value.input.relType.value.query : c.value.sql;
    return WRITE_SQL.test(text.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, ''));
  }
  return false;
}
