import type { ErrorView, SessionView } from '../api/wire.js';

/** The API's address: `api/` beside the page, whatever path the dashboard is mounted under. */
const API_BASE = new URL('api/', new URL('.', window.location.href.split('#')[0]));

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type QueryValues = Record<string, string | number | boolean | undefined>;

function urlFor(path: string, query: QueryValues = {}): string {
  const url = new URL(path, API_BASE);
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  return url.href;
}

/** A path segment: queue names and ids may hold any character. */
export const seg = encodeURIComponent;

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => undefined)) as T | ErrorView | undefined;
  if (!response.ok) {
    const error = (body as ErrorView | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP', error?.message ?? `the dashboard answered ${response.status}`);
  }
  return body as T;
}

export async function get<T>(path: string, query?: QueryValues): Promise<T> {
  return parse<T>(await fetch(urlFor(path, query), { credentials: 'same-origin', headers: { accept: 'application/json' } }));
}

let csrfToken = '';

export async function loadSession(): Promise<SessionView> {
  const session = await get<SessionView>('session');
  csrfToken = session.csrfToken;
  return session;
}

/** A state-changing request: POST, parameters in the query string, the CSRF token in its header. */
export async function post<T>(path: string, query?: QueryValues): Promise<T> {
  return parse<T>(
    await fetch(urlFor(path, query), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'x-taskharbor-csrf': csrfToken },
    }),
  );
}
