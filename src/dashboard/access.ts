/**
 * Who may see and do what on the dashboard.
 *
 * - Auth off (no tokens configured): the HTTP port listens on loopback only; everyone is an operator
 *   of the `default` tenant (or the `tenant` query parameter), as on the JSON API. Requests must name a
 *   loopback host, so a page on another site cannot reach the port through DNS rebinding.
 * - Auth on: a bearer token is required. Viewer tokens (PERENNIAL_TOKENS) may read; operator tokens
 *   (PERENNIAL_OPERATOR_TOKENS) may also act. The tenant comes from the token.
 *
 * Actions are CSRF-safe: they need a JSON body, the `x-perennial-csrf` header (which a cross-site form
 * or simple request cannot send without a CORS preflight we never grant) and, when the browser says
 * where the request came from, the same origin.
 */
import type { FastifyRequest } from 'fastify';
import { PerennialError } from '../core/errors.js';

export type Role = 'viewer' | 'operator';

export interface Access {
  tenant: string;
  role: Role;
}

export const CSRF_HEADER = 'x-perennial-csrf';

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

function unauthenticated(): PerennialError {
  return new PerennialError('UNAUTHENTICATED', 'A valid bearer token is required.', { kind: 'auth', sqlState: '28000' });
}

export function forbidden(message: string): PerennialError {
  return new PerennialError('PERMISSION_DENIED', message, { kind: 'auth', sqlState: '42501' });
}

export class AccessControl {
  constructor(
    private readonly viewerTokens: ReadonlyMap<string, string>,
    private readonly operatorTokens: ReadonlyMap<string, string>,
  ) {}

  get authOn(): boolean {
    return this.viewerTokens.size > 0 || this.operatorTokens.size > 0;
  }

  /** The caller's tenant and role; throws UNAUTHENTICATED when auth is on and the token is missing or unknown. */
  resolve(req: FastifyRequest): Access {
    if (!this.authOn) {
      if (!LOOPBACK_HOST.test(req.headers.host ?? '')) throw forbidden('The dashboard without auth answers loopback hosts only.');
      const q = (req.query as Record<string, unknown> | undefined)?.tenant;
      return { tenant: typeof q === 'string' && q && q.length <= 256 ? q : 'default', role: 'operator' };
    }
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw unauthenticated();
    const token = m[1] as string;
    const op = this.operatorTokens.get(token);
    if (op !== undefined) return { tenant: op, role: 'operator' };
    const viewer = this.viewerTokens.get(token);
    if (viewer !== undefined) return { tenant: viewer, role: 'viewer' };
    throw unauthenticated();
  }

  /** For state-changing requests: operator role and a same-origin, CSRF-proof request. */
  requireOperator(req: FastifyRequest): Access {
    const access = this.resolve(req);
    checkCsrf(req);
    if (access.role !== 'operator') throw forbidden('This action needs an operator token.');
    return access;
  }
}

export function checkCsrf(req: FastifyRequest): void {
  const h = req.headers;
  if (h[CSRF_HEADER] !== '1') throw forbidden(`Actions need the ${CSRF_HEADER} header.`);
  if (!String(h['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    throw forbidden('Actions need a JSON body.');
  }
  const site = h['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw forbidden('Cross-site actions are refused.');
  const origin = h.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw forbidden('Cross-site actions are refused.');
    }
    if (host !== h.host) throw forbidden('Cross-site actions are refused.');
  } else if (origin === 'null') {
    throw forbidden('Cross-site actions are refused.');
  }
}
