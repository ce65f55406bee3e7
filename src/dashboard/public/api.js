// Fetch wrapper for the dashboard's JSON endpoints: bearer token, CSRF header on actions, errors as
// ApiError, and one shared poller of /api/dashboard/changes that tells pages when to refetch.

const TOKEN_KEY = 'perennial.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra) {
  const h = { accept: 'application/json', ...extra };
  const t = token();
  if (t) h.authorization = `Bearer ${t}`;
  return h;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function handle(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) throw new ApiError(res.status, body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

export async function get(path, params) {
  return handle(await fetch(`${path}${query(params)}`, { headers: headers(), cache: 'no-store' }));
}

export async function post(path, body) {
  return handle(
    await fetch(path, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json', 'x-perennial-csrf': '1' }),
      body: JSON.stringify(body ?? {}),
      credentials: 'same-origin',
    }),
  );
}

// ---- live updates: one poll for every subscriber; paused while the tab is hidden.
const POLL_MS = 3000;
const listeners = new Set();
let last = null;
let timer = null;

async function poll() {
  timer = null;
  if (document.visibilityState === 'visible' && listeners.size > 0) {
    try {
      const sig = await get('/api/dashboard/changes');
      if (last !== null) {
        const changed = Object.keys(sig).filter((k) => sig[k] !== last[k]);
        if (changed.length) for (const fn of [...listeners]) fn(changed);
      }
      last = sig;
    } catch {
      // a failed poll is retried on the next tick
    }
  }
  if (listeners.size > 0) timer = setTimeout(poll, POLL_MS);
}

/** Calls fn(changedKeys) when any of 'runs', 'regressions', 'pins' changes. Returns an unsubscribe. */
export function onChange(fn) {
  listeners.add(fn);
  if (timer === null) timer = setTimeout(poll, 0);
  return () => listeners.delete(fn);
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && timer === null && listeners.size > 0) timer = setTimeout(poll, 0);
});
