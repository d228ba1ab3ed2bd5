import { createHash } from 'node:crypto';
import { type LeaseClock, SERVER_MINUTE_SQL, SERVER_NOW_SQL } from '../lease-clock.js';
import { channelName } from '../schema-name.js';
import { FRAGMENTS } from './fragments.js';

/**
 * The parameters of a lease statement that follow the lease clock (numbers
 * as in `$1, $2, …`): its `now`, and the minute of now its outcome counts
 * in. The source writes each of them only as `$N::bigint`.
 */
export interface ClockParams {
  readonly now: number;
  readonly minute?: number;
}

/**
 * One statement's SQL source with the types of its parameters (a tuple, in
 * `$1, $2, …` order) and of its rows. Each `<operation>.ts` beside its
 * `.sql` file defines one; the driver passes parameters only through these.
 */
export interface StatementDefinition<Params extends unknown[], Row> {
  readonly operation: string;
  readonly source: string;
  /** Set on the statements that decide by the lease clock. */
  readonly clock?: ClockParams;
  /** Carries the types only; never set. */
  readonly types?: { params: Params; row: Row };
}

/** One statement bound to a schema: pg prepares it once per connection under `name`. */
export interface Statement<Params extends unknown[] = unknown[], Row = unknown> {
  readonly name: string;
  readonly text: string;
  /** Under leaseClock 'server', the indexes of the values sent as null (the statement then reads the database's clock). */
  readonly serverClock?: readonly number[];
  readonly types?: { params: Params; row: Row };
}

/** A statement definition; its `{{include NAME}}` lines are filled in here, when the module loads. */
export function defineStatement<Params extends unknown[], Row>(
  operation: string,
  source: string,
  clock?: ClockParams,
): StatementDefinition<Params, Row> {
  const expanded = expandIncludes(source);
  return clock === undefined ? { operation, source: expanded } : { operation, source: expanded, clock };
}

const INCLUDE = /\{\{include ([^}]*)\}\}/g;

/**
 * Replaces each `{{include NAME}}` with the text of the fragment NAME (its
 * trailing newlines cut). An unknown name is an error, and so is an include
 * inside a fragment: fragments do not nest, so no chain of them can loop.
 */
export function expandIncludes(source: string, fragments: Readonly<Record<string, string>> = FRAGMENTS): string {
  return source.replace(INCLUDE, (_, name: string) => {
    const fragment = Object.hasOwn(fragments, name) ? fragments[name] : undefined;
    if (fragment === undefined) {
      throw new Error(`unknown SQL fragment "${name}" in {{include ${name}}}; known: ${Object.keys(fragments).join(', ') || 'none'}`);
    }
    if (fragment.includes('{{include ')) throw new Error(`SQL fragment "${name}" has an {{include}} of its own; fragments do not nest`);
    return fragment.replace(/\n+$/, '');
  });
}

/**
 * Fills a statement's placeholders: `{{schema}}` with the quoted schema and
 * `{{channel}}` with the notification channel as a string literal. The
 * schema name is checked by validateSchemaName, so neither needs escaping.
 * Under leaseClock 'server' a statement's clock parameters become
 * `coalesce($N::bigint, <the database's clock>)` and are sent as null (see
 * sentValues), as Redis's lease scripts read TIME when `now` comes empty.
 */
export function bindStatement<Params extends unknown[], Row>(
  definition: StatementDefinition<Params, Row>,
  schema: string,
  leaseClock: LeaseClock = 'caller',
): Statement<Params, Row> {
  let text = definition.source.replaceAll('{{schema}}', `"${schema}"`).replaceAll('{{channel}}', `'${channelName(schema)}'`);
  // Prepared-statement names are cut at 63 bytes by the server, so the schema goes in as a short hash.
  const schemaTag = createHash('sha256').update(schema).digest('hex').slice(0, 10);
  const name = `th_${schemaTag}_${definition.operation}`;
  const clock = definition.clock;
  if (leaseClock === 'caller' || clock === undefined) return { name, text };
  text = text.replaceAll(`$${clock.now}::bigint`, `coalesce($${clock.now}::bigint, ${SERVER_NOW_SQL})`);
  const serverClock = [clock.now - 1];
  if (clock.minute !== undefined) {
    text = text.replaceAll(`$${clock.minute}::bigint`, `coalesce($${clock.minute}::bigint, ${SERVER_MINUTE_SQL})`);
    serverClock.push(clock.minute - 1);
  }
  // Another text under its own name: drivers of both clocks may share one pool.
  return { name: `${name}_server`, text, serverClock };
}

/** The values pg sends for `statement`: those of its clock parameters null under leaseClock 'server'. */
export function sentValues(statement: Statement, values: readonly unknown[]): unknown[] {
  if (statement.serverClock === undefined) return values as unknown[];
  const sent = [...values];
  for (const index of statement.serverClock) sent[index] = null;
  return sent;
}

/** The parameter tuple of a statement definition. */
export type ParamsOf<D> = D extends StatementDefinition<infer P, unknown> ? P : never;
