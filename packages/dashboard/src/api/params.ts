import { JOB_STATUSES, type JobStatus, MAX_NAME_LENGTH, MAX_TIME_MS } from '@taskharbor/core';
import { badRequest } from '../http/http-error.js';

/** The largest page of jobs one request reads. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
/** Longest cursor accepted back; every driver's cursors are far shorter. */
const MAX_CURSOR_LENGTH = 2048;
/** Longest cancel reason the page sends. */
export const MAX_REASON_LENGTH = 1000;

/**
 * A request's query parameters, checked against the names the endpoint
 * takes: an unknown or repeated parameter, or a value of the wrong shape,
 * is a 400 whose message names the parameter and what it expects.
 */
export class Query {
  private readonly params: URLSearchParams;

  constructor(params: URLSearchParams, allowed: readonly string[]) {
    this.params = params;
    const seen = new Set<string>();
    for (const name of params.keys()) {
      if (!allowed.includes(name)) {
        const takes = allowed.length === 0 ? 'no parameters' : `only ${allowed.join(', ')}`;
        throw badRequest(`unknown parameter ${JSON.stringify(name)}: this endpoint takes ${takes}`);
      }
      if (seen.has(name)) throw badRequest(`parameter ${name} given twice; give it once`);
      seen.add(name);
    }
  }

  private raw(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** A job type, queue or id: 1 to 512 characters. */
  name(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value.length === 0 || value.length > MAX_NAME_LENGTH) {
      throw badRequest(`${name} must be 1 to ${MAX_NAME_LENGTH} characters, got ${value.length}`);
    }
    return value;
  }

  status<S extends JobStatus>(name: string, allowed: readonly S[] = JOB_STATUSES as readonly S[]): S | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw badRequest(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value.slice(0, 40))}`);
    }
    return value as S;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,16}$/.test(value) || Number(value) < min || Number(value) > max) {
      throw badRequest(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value.slice(0, 40))}`);
    }
    return Number(value);
  }

  /**
   * Any whole number, signs included, for values whose range a core
   * validator checks afterwards (so its message names the range).
   */
  signedInteger(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!/^-?\d{1,16}$/.test(value)) throw badRequest(`${name} must be a whole number, got ${JSON.stringify(value.slice(0, 40))}`);
    return Number(value);
  }

  boolean(name: string): boolean {
    const value = this.raw(name);
    if (value === undefined || value === 'false') return false;
    if (value === 'true') return true;
    throw badRequest(`${name} must be true or false, got ${JSON.stringify(value.slice(0, 40))}`);
  }

  text(name: string, maxLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length > maxLength) throw badRequest(`${name} must be at most ${maxLength} characters, got ${value.length}`);
    return value;
  }

  cursor(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value.length === 0 || value.length > MAX_CURSOR_LENGTH) throw badRequest(`${name} must be the nextCursor of a previous page`);
    return value;
  }

  /** A duration in milliseconds, up to the latest time the contract accepts. */
  duration(name: string): number | undefined {
    return this.integer(name, 0, MAX_TIME_MS);
  }
}
