import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  /** The server's origin, such as http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port. */
export async function listen(server: Server): Promise<Served> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function serveNode(listener: RequestListener): Promise<Served> {
  return listen(createServer(listener));
}

/**
 * A script's way through the API: reads api/session once for the CSRF
 * token and cookie, then sends both with every POST.
 */
export class ApiClient {
  private cookie = '';
  private token = '';
  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(new URL(path, this.base), { headers: { cookie: this.cookie, ...headers } });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
  }

  async session(headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const response = await fetch(new URL('api/session', this.base), { headers: { cookie: this.cookie, ...headers } });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] as string;
    const body = (await response.json()) as Record<string, unknown>;
    this.token = body.csrfToken as string;
    return body;
  }

  async post(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    if (this.token === '') await this.session();
    const response = await fetch(new URL(path, this.base), {
      method: 'POST',
      headers: { cookie: this.cookie, 'x-taskharbor-csrf': this.token, ...headers },
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
}
