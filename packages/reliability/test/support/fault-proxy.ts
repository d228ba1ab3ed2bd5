/**
 * A loopback TCP proxy that delays every chunk, in each direction, by a
 * random 5-20 ms (configurable) while keeping the byte order: a slow Redis.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class LatencyProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Chunks forwarded (both directions). */
  chunks = 0;

  private constructor(upstreamHost: string, upstreamPort: number, minMs: number, maxMs: number) {
    this.server = createServer((downstream) => {
      const upstream = createConnection({ host: upstreamHost, port: upstreamPort });
      for (const socket of [downstream, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      const pipeDelayed = (from: Socket, to: Socket): void => {
        // One FIFO and one timer per direction: chunks leave in the order they came (separate
        // timers per chunk could fire out of order), each held for minMs-maxMs.
        const queue: { chunk: Buffer; at: number }[] = [];
        let timer: NodeJS.Timeout | undefined;
        let ended = false;
        const drain = (): void => {
          timer = undefined;
          while (queue.length > 0 && (queue[0]?.at ?? 0) <= Date.now()) {
            const next = queue.shift();
            if (next !== undefined && !to.destroyed) to.write(next.chunk);
          }
          if (queue.length > 0) timer = setTimeout(drain, Math.max(1, (queue[0]?.at ?? 0) - Date.now()));
          else if (ended) to.destroy();
        };
        from.on('data', (chunk: Buffer) => {
          this.chunks++;
          queue.push({ chunk, at: Date.now() + minMs + Math.random() * (maxMs - minMs) });
          timer ??= setTimeout(drain, Math.max(1, (queue[0]?.at ?? 0) - Date.now()));
        });
        from.on('close', () => {
          ended = true;
          if (queue.length === 0 && timer === undefined) to.destroy();
        });
      };
      pipeDelayed(downstream, upstream);
      pipeDelayed(upstream, downstream);
    });
  }

  static async start(upstreamHost: string, upstreamPort: number, minMs = 5, maxMs = 20): Promise<LatencyProxy> {
    const proxy = new LatencyProxy(upstreamHost, upstreamPort, minMs, maxMs);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
