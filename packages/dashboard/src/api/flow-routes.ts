import { type FlowControl, type FlowLimits, hasFlowControl, validateFlowLimits, validateGroupName } from '@taskharbor/core';
import { badRequest, HttpError } from '../http/http-error.js';
import { type RouteContext, query } from './context.js';
import type { Query } from './params.js';
import type { GroupFlowView } from './wire.js';

/** The query parameters a limits action takes; none at all clears the limits. */
const LIMIT_PARAMS = ['concurrency', 'rateMax', 'ratePerMs'] as const;

function flow(ctx: RouteContext): FlowControl {
  if (!hasFlowControl(ctx.driver)) throw new HttpError(501, 'UNSUPPORTED', 'this driver does not implement flow control');
  return ctx.driver;
}

function groupName(ctx: RouteContext): string {
  const group = ctx.params.group as string;
  validateGroupName(group);
  return group;
}

/**
 * The limits in a request's query: `concurrency`, and `rateMax` with
 * `ratePerMs` (both or neither). The values' ranges are core's
 * validateFlowLimits, so the dashboard refuses exactly what the drivers refuse.
 */
function limitsFrom(q: Query): FlowLimits {
  const concurrency = q.signedInteger('concurrency');
  const rateMax = q.signedInteger('rateMax');
  const ratePerMs = q.signedInteger('ratePerMs');
  if ((rateMax === undefined) !== (ratePerMs === undefined)) {
    throw badRequest('rateMax and ratePerMs go together: give both for a rate limit, or neither for none');
  }
  const limits: FlowLimits = {};
  if (concurrency !== undefined) limits.concurrency = concurrency;
  if (rateMax !== undefined && ratePerMs !== undefined) limits.rate = { max: rateMax, perMs: ratePerMs };
  validateFlowLimits(limits);
  return limits;
}

/** One group's overrides, effective limits, pause flag, jobs in flight and hold. */
export async function groupState(ctx: RouteContext): Promise<GroupFlowView> {
  query(ctx, []);
  const state = await flow(ctx).groupState(ctx.params.queue as string, groupName(ctx));
  const view: GroupFlowView = {
    group: state.group,
    overrides: state.overrides,
    effective: state.effective,
    paused: state.paused,
    inflight: state.inflight,
  };
  if (state.heldUntil !== undefined) view.heldUntil = state.heldUntil;
  return view;
}

/** Replaces the queue's limits; without parameters it clears them. */
export async function setQueueLimits(ctx: RouteContext): Promise<{ limits: FlowLimits }> {
  const limits = limitsFrom(query(ctx, LIMIT_PARAMS));
  await flow(ctx).setQueueLimits(ctx.params.queue as string, limits);
  return { limits };
}

/** Replaces the limits every group of the queue gets unless it has an override. */
export async function setGroupDefaults(ctx: RouteContext): Promise<{ limits: FlowLimits }> {
  const limits = limitsFrom(query(ctx, LIMIT_PARAMS));
  await flow(ctx).setGroupLimits(ctx.params.queue as string, limits);
  return { limits };
}

/** Replaces one group's override; without parameters it removes the override. */
export async function setGroupOverride(ctx: RouteContext): Promise<{ limits: FlowLimits }> {
  const limits = limitsFrom(query(ctx, LIMIT_PARAMS));
  await flow(ctx).setGroupLimits(ctx.params.queue as string, limits, groupName(ctx));
  return { limits };
}

export async function pauseGroup(ctx: RouteContext): Promise<{ paused: true }> {
  query(ctx, []);
  await flow(ctx).pauseGroup(ctx.params.queue as string, groupName(ctx));
  return { paused: true };
}

export async function resumeGroup(ctx: RouteContext): Promise<{ paused: false }> {
  query(ctx, []);
  await flow(ctx).resumeGroup(ctx.params.queue as string, groupName(ctx));
  return { paused: false };
}
