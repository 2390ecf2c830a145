/**
 * The one place that talks to query-api. The key travels only in the Authorization header (never
 * in a URL); a 401 signs the browser out. Errors become ApiError with the API's code and message.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Params = Record<string, string | number | boolean | null | undefined>;

export interface Api {
  get<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** The raw streaming request (the alert stream); the caller reads the body. */
  stream(path: string, signal: AbortSignal): Promise<Response>;
}

export interface ApiOptions {
  getKey(): string | null;
  onUnauthorized(): void;
  fetch?: typeof fetch;
}

export function withParams(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
}

export function createApi(opts: ApiOptions): Api {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  async function request(method: string, path: string, body?: unknown, signal?: AbortSignal) {
    const key = opts.getKey();
    if (!key) {
      opts.onUnauthorized();
      throw new ApiError(401, 'unauthorized', 'not signed in');
    }
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(path, {
      method,
      headers,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
    if (res.status === 401) {
      opts.onUnauthorized();
      throw await toError(res);
    }
    if (!res.ok) throw await toError(res);
    return res;
  }
  return {
    async get<T>(path: string, params?: Params, signal?: AbortSignal) {
      const res = await request('GET', withParams(path, params), undefined, signal);
      return (await res.json()) as T;
    },
    async send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
      const res = await request(method, path, body);
      if (res.status === 204) return undefined as T;
      return (await res.json()) as T;
    },
    stream(path: string, signal: AbortSignal) {
      return request('GET', path, undefined, signal);
    },
  };
}
