import { DriverClosedError } from '@taskharbor/core';
import type { RedisClient } from '../lua/script.js';

type Handler = (message: string) => void;

/**
 * The driver's one subscriber connection (Redis pub/sub), shared by every
 * cancel subscription and every waitForFinish of the driver: 1,000 waiters
 * cost this one connection. Opened on first use with `client.duplicate()`,
 * closed with the driver. ioredis subscribes again by itself after a
 * reconnect; messages published while the connection was down are lost, so
 * the `onReconnect` callbacks run then, for the waiters to read the state
 * they may have missed.
 */
export class PushChannel {
  private connection: RedisClient | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  /** The SUBSCRIBE of each channel with handlers, pending or done. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly reconnectCallbacks = new Set<() => void>();
  private readonly open: () => RedisClient;
  private closed = false;

  constructor(open: () => RedisClient) {
    this.open = open;
  }

  /** Calls `handler` with each message on the channel; resolves, once subscribed, with the function that stops it. */
  async listen(channel: string, handler: Handler): Promise<() => void> {
    if (this.closed) throw new DriverClosedError('listen on the push channel');
    let handlers = this.handlers.get(channel);
    if (handlers === undefined) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
    }
    handlers.add(handler);
    let subscribing = this.subscribed.get(channel);
    if (subscribing === undefined) {
      subscribing = this.connect().subscribe(channel);
      this.subscribed.set(channel, subscribing);
    }
    const stop = () => this.unlisten(channel, handler);
    try {
      await subscribing;
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  /** Runs `callback` after each reconnect of the subscriber connection; returns the function that stops it. */
  onReconnect(callback: () => void): () => void {
    this.reconnectCallbacks.add(callback);
    return () => this.reconnectCallbacks.delete(callback);
  }

  close(): void {
    this.closed = true;
    this.handlers.clear();
    this.subscribed.clear();
    this.reconnectCallbacks.clear();
    this.connection?.disconnect();
    this.connection = undefined;
  }

  private unlisten(channel: string, handler: Handler): void {
    const handlers = this.handlers.get(channel);
    if (handlers === undefined || !handlers.delete(handler) || handlers.size > 0) return;
    this.handlers.delete(channel);
    this.subscribed.delete(channel);
    // Commands on one connection keep their order, so a later SUBSCRIBE of the channel follows this.
    this.connection?.unsubscribe(channel).catch(() => undefined);
  }

  private connect(): RedisClient {
    if (this.connection !== undefined) return this.connection;
    const connection = this.open();
    let readyOnce = false;
    connection.on('message', (channel: string, message: string) => {
      const handlers = this.handlers.get(channel);
      if (handlers === undefined) return;
      for (const handler of [...handlers]) handler(message);
    });
    connection.on('ready', () => {
      if (!readyOnce) {
        readyOnce = true;
        return;
      }
      for (const callback of [...this.reconnectCallbacks]) callback();
    });
    this.connection = connection;
    return connection;
  }
}
