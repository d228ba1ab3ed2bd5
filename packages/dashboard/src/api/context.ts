import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Admin, Driver, JobControl } from '@taskharbor/core';
import type { RequestAccess } from '../http/access.js';
import type { ResolvedOptions } from '../options.js';
import { Query } from './params.js';

/** Everything one API request is served with. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  options: ResolvedOptions;
  driver: Driver & Admin;
  /** Set when the driver declares job control. */
  control: (Driver & Admin & JobControl) | undefined;
  access: RequestAccess;
  /** The path segments after `api/queues/<queue>/...`, decoded. */
  params: Record<string, string>;
  searchParams: URLSearchParams;
  /** The cookie path for the CSRF cookie: the base path, or `/`. */
  cookiePath: string;
}

export function query(ctx: RouteContext, allowed: readonly string[]): Query {
  return new Query(ctx.searchParams, allowed);
}
