import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard } from '@taskharbor/dashboard';
import { integerFlag } from '../args/numbers.js';
import { OperationalError } from '../errors.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port` : error.message;
      reject(new OperationalError(`cannot serve the dashboard on ${host}:${port}: ${why}`, error.code ?? 'LISTEN', { cause: error }));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve(server.address() as AddressInfo);
    });
  });
}

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'Serve the web dashboard for the store',
  usage: '[--port <n>] [--host <address>] [--allow-actions]',
  help: `Serves the TaskHarbor dashboard (queues, jobs, dead letters) for the
store the global flags name, until Ctrl+C. It listens on 127.0.0.1 unless
--host says otherwise, and is read-only unless --allow-actions is given.

Flags:
  --port <n>         the port (default 4000; 0 picks a free one)
  --host <address>   the address to listen on (default 127.0.0.1); anyone
                     who can reach it can see every payload
  --allow-actions    let the page cancel, remove, promote, requeue, pause and
                     purge (CSRF-checked); without it the page only shows

With --json the address is printed as {"url": "...", "readOnly": true|false}.

Example:
  taskharbor --driver redis dashboard --port 4000`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-actions': { type: 'boolean' },
  },
  async run(ctx) {
    const { args, out, io } = ctx;
    expectPositionals(ctx, this, 0, 0);
    const port = integerFlag('port', args.string('port') ?? '4000', 0, 65535);
    const host = args.string('host') ?? '127.0.0.1';
    const allowActions = args.boolean('allow-actions');
    const driver = await ctx.driver();
    const dashboard = createDashboard({ driver, auth: () => (allowActions ? 'write' : 'read') });
    const server = createServer((req, res) => void dashboard(req, res));
    const address = await listen(server, port, host);
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${shownHost}:${address.port}/`;
    if (out.json) out.documentLine({ url, readOnly: !allowActions });
    else {
      out.line(`dashboard for ${ctx.driverDescription()} at ${url}`);
      out.info(allowActions ? 'actions are allowed (--allow-actions)' : 'read-only; --allow-actions lets the page act on jobs and queues');
      out.info('press Ctrl+C to stop');
    }
    if (!LOOPBACK.has(host)) {
      out.warn(`listening on ${host}: anyone who can reach it sees every payload${allowActions ? ' and can act on jobs' : ''}; put it behind a proxy that checks who is asking`);
    }
    await new Promise<void>((resolve) => {
      const unwire = io.onSignal(() => {
        unwire();
        server.closeAllConnections();
        server.close(() => resolve());
      });
    });
    return 0;
  },
};
