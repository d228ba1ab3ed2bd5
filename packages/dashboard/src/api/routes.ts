import { validateGroupName, validateName, validateScheduleName } from '@taskharbor/core';
import { badRequest, HttpError } from '../http/http-error.js';
import {
  cancelJob,
  pauseQueue,
  promoteJob,
  purgeQueue,
  removeJob,
  requeueDeadLetters,
  requeueJob,
  resumeQueue,
} from './action-routes.js';
import type { RouteContext } from './context.js';
import { groupState, pauseGroup, resumeGroup, setGroupDefaults, setGroupOverride, setQueueLimits } from './flow-routes.js';
import { listWorkers, queueMetrics } from './observability-routes.js';
import { job, jobs, queue, queues, session } from './read-routes.js';
import { listSchedules, pauseSchedule, resumeSchedule, triggerSchedule } from './schedule-routes.js';

export type Handler = (ctx: RouteContext) => Promise<unknown> | unknown;

export interface Route {
  method: 'GET' | 'POST';
  /** Segments after `api/`; `:queue` and `:id` match one URL-encoded segment each. */
  pattern: readonly string[];
  handler: Handler;
}

const route = (method: Route['method'], path: string, handler: Handler): Route => ({ method, pattern: path.split('/'), handler });

/** The JSON API, as docs/dashboard.md lists it. */
export const ROUTES: readonly Route[] = [
  route('GET', 'session', session),
  route('GET', 'queues', queues),
  route('GET', 'queues/:queue', queue),
  route('GET', 'queues/:queue/jobs', jobs),
  route('GET', 'queues/:queue/jobs/:id', job),
  route('GET', 'queues/:queue/metrics', queueMetrics),
  route('POST', 'queues/:queue/pause', pauseQueue),
  route('POST', 'queues/:queue/resume', resumeQueue),
  route('POST', 'queues/:queue/purge', purgeQueue),
  route('POST', 'queues/:queue/dlq/requeue', requeueDeadLetters),
  route('POST', 'queues/:queue/jobs/:id/cancel', cancelJob),
  route('POST', 'queues/:queue/jobs/:id/remove', removeJob),
  route('POST', 'queues/:queue/jobs/:id/promote', promoteJob),
  route('POST', 'queues/:queue/jobs/:id/requeue', requeueJob),
  route('GET', 'queues/:queue/groups/:group', groupState),
  route('POST', 'queues/:queue/limits', setQueueLimits),
  route('POST', 'queues/:queue/group-defaults', setGroupDefaults),
  route('POST', 'queues/:queue/groups/:group/limits', setGroupOverride),
  route('POST', 'queues/:queue/groups/:group/pause', pauseGroup),
  route('POST', 'queues/:queue/groups/:group/resume', resumeGroup),
  route('GET', 'workers', listWorkers),
  route('GET', 'schedules', listSchedules),
  route('POST', 'schedules/:name/pause', pauseSchedule),
  route('POST', 'schedules/:name/resume', resumeSchedule),
  route('POST', 'schedules/:name/trigger', triggerSchedule),
];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed URL encoding in ${JSON.stringify(segment.slice(0, 60))}`);
  }
}

/**
 * The route for a method and the segments after `api/`, with its decoded
 * parameters. A path that exists under another method is a 405, any other a 404.
 */
export function matchRoute(method: string, segments: readonly string[]): { route: Route; params: Record<string, string> } {
  let otherMethod: Route | undefined;
  for (const candidate of ROUTES) {
    if (candidate.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = candidate.pattern.every((part, i) => {
      const segment = segments[i] as string;
      if (part.startsWith(':')) {
        params[part.slice(1)] = segment;
        return segment.length > 0;
      }
      return part === segment;
    });
    if (!matches) continue;
    const wanted = method === 'HEAD' ? 'GET' : method;
    if (candidate.method !== wanted) {
      otherMethod = candidate;
      continue;
    }
    for (const [name, raw] of Object.entries(params)) {
      const value = decodeSegment(raw);
      if (name === 'name') validateScheduleName(name, value);
      else if (name === 'group') validateGroupName(value);
      else validateName(name, value);
      params[name] = value;
    }
    return { route: candidate, params };
  }
  if (otherMethod !== undefined) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${otherMethod.method} for this endpoint`);
  throw new HttpError(404, 'NOT_FOUND', `no API endpoint api/${segments.join('/')}; see docs/dashboard.md for the list`);
}
