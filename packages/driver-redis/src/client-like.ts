/**
 * What `new RedisDriver({ client })` accepts: an ioredis 5 `Redis` or
 * `Cluster`, checked by shape rather than by class. ioredis's classes have
 * private members, which TypeScript compares by declaration, so a client
 * from the app's own copy of ioredis (another 5.x minor, or a second
 * install) would not type-check against this package's copy. Only members
 * every ioredis 5 release has, with the widest types the driver can live
 * with, are named here; the constructor checks the methods at run time too.
 */
export interface RedisClientLike {
  readonly isCluster: boolean;
  readonly options: object;
  readonly status: string;
  call(command: string, ...args: string[]): Promise<unknown>;
  sendCommand(command: never): unknown;
  duplicate(): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}
