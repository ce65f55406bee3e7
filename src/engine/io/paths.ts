/** Every file path the engine touches must resolve inside one of the allowed roots. */
import * as path from 'node:path';
import { PerennialError } from '../../core/errors.js';

export function checkPath(p: string, allowedRoots: string[]): string {
  const abs = path.resolve(p.replace(/^file:(\/\/)?/, ''));
  const ok = allowedRoots.some((r) => {
    const root = path.resolve(r);
    return abs === root || abs.startsWith(root + path.sep);
  });
  if (!ok) {
    throw new PerennialError('PATH_NOT_ALLOWED', `[PATH_NOT_ALLOWED] The path ${p} is outside the folders this runtime may read or write.`, {
      kind: 'user',
      sqlState: '42K0E',
      messageParameters: { path: p },
    });
  }
  return abs;
}
