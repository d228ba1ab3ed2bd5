import type { Client } from 'pg';

/** What the listener hears on the channel, decoded. */
export interface NoticeHandlers {
  /** A queue may have new work (enqueue, retry, release, requeue, promote, resume). */
  work(queue: string): void;
  /** A watched job finished or was deleted. */
  finish(queue: string, id: string): void;
  /** A job in flight got a cancel request. */
  cancel(queue: string, id: string): void;
  /** The connection came back after a drop: notices may have been missed meanwhile. */
  reconnected(): void;
}

/** How long to wait before the next attempt to reconnect, by attempt number (capped). */
const RECONNECT_DELAYS_MS = [50, 100, 250, 500, 1000, 2000];

/**
 * One listening connection per driver, shared by every waitForWork,
 * waitForFinish and subscribeCancels call: it LISTENs on the schema's
 * channel, decodes the notices and, when the connection drops, reconnects
 * and listens again (then reports `reconnected`). It starts on the first
 * call that needs it, so a driver that only enqueues holds no extra
 * connection.
 */
export class Listener {
  private client: Client | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private everListened = false;

  constructor(
    private readonly openClient: () => Client,
    private readonly channel: string,
    private readonly handlers: NoticeHandlers,
  ) {}

  /** Resolves once the channel is listened to; the first call opens the connection. */
  listening(): Promise<void> {
    if (this.client !== undefined) return Promise.resolve();
    this.starting ??= this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** The backend pid of the listening connection (for tests that terminate it), if connected. */
  get backendPid(): number | undefined {
    return (this.client as unknown as { processID?: number } | undefined)?.processID;
  }

  /** Ends the connection; no reconnect follows. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await this.starting?.catch(() => undefined);
    // A start that was under way when close came ends its own client (it checks `closed`).
    await client?.end().catch(() => undefined);
  }

  /** After a failed first start: keep trying in the background, and report a wake-up once it listens. */
  retrySoon(): void {
    this.everListened = true;
    if (this.reconnectTimer === undefined && this.client === undefined) this.reconnect(1);
  }

  private async connect(): Promise<void> {
    const client = this.openClient();
    client.on('error', () => this.dropped(client));
    client.on('end', () => this.dropped(client));
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== undefined) this.dispatch(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.everListened) this.handlers.reconnected();
    this.everListened = true;
  }

  private dropped(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.reconnect(0);
  }

  private reconnect(attempt: number): void {
    if (this.closed) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listening().catch(() => this.reconnect(attempt + 1));
    }, delay);
    this.reconnectTimer.unref();
  }

  private dispatch(payload: string): void {
    const [kind, queue, id] = payload.split(' ');
    if (queue === undefined) return;
    if (kind === 'w') this.handlers.work(queue);
    else if (kind === 'f' && id !== undefined) this.handlers.finish(queue, id);
    else if (kind === 'c' && id !== undefined) this.handlers.cancel(queue, id);
  }
}
