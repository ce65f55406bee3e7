/** Pass-count floors: a run below its floor is a regression; raise the floor when a run does better. */
import { readFileSync } from 'node:fs';

export interface Baseline {
  sparkSqlTests: number;
  sparkFunctionTests: number;
  tpch: number;
}

export function readBaseline(): Baseline {
  return JSON.parse(readFileSync(new URL('./baseline.json', import.meta.url), 'utf8')) as Baseline;
}
