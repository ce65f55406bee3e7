/** Where the running platform is: flags, then env, then the discovery file the platform writes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Endpoints {
  api: string;
  url: string;
}

export function discover(opts: { api?: string; url?: string; dataDir?: string }, env: NodeJS.ProcessEnv): Endpoints {
  let file: { gatewayPort?: number; httpPort?: number } = {};
  try {
    file = JSON.parse(readFileSync(join(opts.dataDir ?? env.PERENNIAL_DATA_DIR ?? '.perennial', 'platform.json'), 'utf8'));
  } catch {
    // Not running locally (or elsewhere): defaults below.
  }
  return {
    api: opts.api ?? env.PERENNIAL_API ?? `http://127.0.0.1:${file.httpPort ?? 15080}`,
    url: opts.url ?? env.PERENNIAL_URL ?? `sc://localhost:${file.gatewayPort ?? 15002}/;workload=cli`,
  };
}
