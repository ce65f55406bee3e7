/** `sc://host:port/;key=value;...` → endpoint, token, user id, session id, extra headers (pyspark's rules). */
export interface ConnectionParams {
  host: string;
  port: number;
  token?: string;
  userId: string;
  sessionId?: string;
  /** Every other parameter, sent as gRPC metadata on each call. */
  headers: Record<string, string>;
}

export function parseConnectionString(url: string): ConnectionParams {
  const m = /^sc:\/\/([^/:;]+)(?::(\d+))?\/?(;.*)?$/.exec(url.trim());
  if (!m) throw new Error(`Invalid Spark Connect URL "${url}": expected sc://host[:port]/;key=value;...`);
  const params: ConnectionParams = { host: m[1] as string, port: m[2] ? Number(m[2]) : 15002, userId: '', headers: {} };
  for (const part of (m[3] ?? '').split(';')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`Invalid parameter "${part}" in Spark Connect URL: expected key=value`);
    const key = part.slice(0, eq);
    const value = decodeURIComponent(part.slice(eq + 1));
    if (key === 'token') params.token = value;
    else if (key === 'user_id') params.userId = value;
    else if (key === 'session_id') params.sessionId = value;
    else if (key === 'use_ssl' || key === 'user_agent') continue;
    else params.headers[key] = value;
  }
  return params;
}
