import type { Cluster, Redis } from 'ioredis';

/** What a new connection was asked to set up beyond AUTH (which ioredis already fails on). */
export interface SetupRequest {
  db: number;
  connectionName?: string | undefined;
}

/**
 * Repeats the setup commands whose failure ioredis does not turn into a
 * failed connect: it reports a failed SELECT only as an `error` event and
 * carries on in db 0, and it ignores a failed CLIENT SETNAME. Sent after the
 * first PING, on the connection that answered it, so a rejection here names
 * the step; repeating either on success changes nothing.
 */
export async function confirmSetup(client: Redis | Cluster, request: SetupRequest): Promise<void> {
  if (request.db !== 0) await (client as Redis).select(request.db);
  if (request.connectionName !== undefined) await client.client('SETNAME', request.connectionName);
}

/** The command a Redis error reply answered (ioredis attaches it), or undefined for other errors. */
export function failedCommand(error: unknown): string | undefined {
  const command = (error as { command?: { name?: unknown } } | null)?.command;
  return typeof command?.name === 'string' ? command.name.toUpperCase() : undefined;
}
