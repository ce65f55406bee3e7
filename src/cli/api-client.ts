/** The CLI's calls to the platform's JSON API; errors become one readable line. */
export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly token?: string,
  ) {}

  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new Error(`Cannot reach the platform at ${this.base}. Is it running (npm start)? Use --api to point elsewhere.`);
    }
    const json = (await res.json().catch(() => ({}))) as { error?: { errorClass: string; message: string } };
    if (!res.ok) throw new Error(json.error ? json.error.message : `HTTP ${res.status}`);
    return json as T;
  }
}
