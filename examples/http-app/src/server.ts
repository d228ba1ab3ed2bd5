/**
 * A small HTTP service that enqueues background work. POST /signups answers
 * at once and leaves the welcome email to the worker (src/worker.ts).
 *
 * The client's Idempotency-Key (header, or an `idempotencyKey` field) becomes
 * the job's idempotency key, so a request retried after a timeout or a
 * double-click enqueues one job, and the response says whether it already
 * existed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Client, ValidationError } from '@taskharbor/core';
import { tracingEnqueueHook } from '@taskharbor/otel';
import { connectDriver, type Jobs, SIGNUP_QUEUE } from './jobs.js';
import { startTracing } from './tracing.js';

const PORT = Number(process.env.PORT ?? 3000);
const MAX_BODY_BYTES = 64 * 1024;

const stopTracing = startTracing('http-app-server');
const tracer = trace.getTracer('http-app');
const driver = await connectDriver();
// Every job enqueued inside a request's span carries that span's context in its meta.
const client = new Client<Jobs>(driver, { defaultQueue: SIGNUP_QUEUE, enqueueHooks: [tracingEnqueueHook()] });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    return body as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'send a JSON object, such as {"email": "ada@example.com"}');
  }
}

async function postSignup(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  const email = body.email;
  if (typeof email !== 'string' || !email.includes('@')) throw new HttpError(400, 'email is required');
  const name = typeof body.name === 'string' ? body.name : undefined;
  const header = req.headers['idempotency-key'];
  const key = (Array.isArray(header) ? header[0] : header) ?? body.idempotencyKey;
  if (typeof key !== 'string' || key === '') {
    throw new HttpError(400, 'send an Idempotency-Key header (or an "idempotencyKey" field), so a retried request does not sign up twice');
  }
  try {
    const { id, existed } = await client.enqueue(
      'signup.welcome',
      name === undefined ? { email } : { email, name },
      // Namespaced, so a key the client also uses for another endpoint cannot collide.
      { idempotencyKey: `signup:${key}`, maxAttempts: 5, timeoutMs: 30_000 },
    );
    // 202: accepted for background work. A repeat gets 200 and the first job's id.
    send(res, existed ? 200 : 202, { jobId: id, existed });
  } catch (error) {
    if (error instanceof ValidationError) throw new HttpError(400, error.message);
    throw error;
  }
}

async function getJob(id: string, res: ServerResponse): Promise<void> {
  const record = await driver.inspect({ queue: SIGNUP_QUEUE, id });
  if (record === undefined) throw new HttpError(404, `no job ${id}`);
  send(res, 200, { jobId: record.id, status: record.status, attempts: record.attempts, lastError: record.lastError?.split('\n')[0] ?? null });
}

function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const jobMatch = /^\/jobs\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'POST' && url.pathname === '/signups') return postSignup(req, res);
  if (req.method === 'GET' && jobMatch !== null) return getJob(decodeURIComponent(jobMatch[1] as string), res);
  if (req.method === 'GET' && url.pathname === '/healthz') return Promise.resolve(send(res, 200, { ok: true }));
  return Promise.reject(new HttpError(404, `no route ${req.method} ${url.pathname}`));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // One SERVER span per request (an HTTP instrumentation would make it); a caller's traceparent header is continued.
  const caller = propagation.extract(context.active(), req.headers);
  tracer.startActiveSpan(`${req.method} ${url.pathname.replace(/^\/jobs\/.+/, '/jobs/:id')}`, { kind: SpanKind.SERVER }, caller, (span) => {
    route(req, res, url)
      .catch((error: unknown) => {
        if (error instanceof HttpError) return send(res, error.status, { error: error.message });
        console.error('request failed:', error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        send(res, 500, { error: 'internal error' });
      })
      .finally(() => {
        span.setAttribute('http.response.status_code', res.statusCode);
        span.end();
      });
  });
});

server.listen(PORT, () => console.log(`signups API on http://localhost:${PORT} (Redis prefix ${driver.keyPrefix})`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: closing`);
    server.close(() => void driver.close().then(stopTracing));
  });
}
