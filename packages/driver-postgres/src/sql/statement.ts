import { createHash } from 'node:crypto';
import { channelName } from '../schema-name.js';

/**
 * One statement's SQL source with the types of its parameters (a tuple, in
 * `$1, $2, …` order) and of its rows. Each `<operation>.ts` beside its
 * `.sql` file defines one; the driver passes parameters only through these.
 */
export interface StatementDefinition<Params extends unknown[], Row> {
  readonly operation: string;
  readonly source: string;
  /** Carries the types only; never set. */
  readonly types?: { params: Params; row: Row };
}

/** One statement bound to a schema: pg prepares it once per connection under `name`. */
export interface Statement<Params extends unknown[] = unknown[], Row = unknown> {
  readonly name: string;
  readonly text: string;
  readonly types?: { params: Params; row: Row };
}

export function defineStatement<Params extends unknown[], Row>(operation: string, source: string): StatementDefinition<Params, Row> {
  return { operation, source };
}

/**
 * Fills a statement's placeholders: `{{schema}}` with the quoted schema and
 * `{{channel}}` with the notification channel as a string literal. The
 * schema name is checked by validateSchemaName, so neither needs escaping.
 */
export function bindStatement<Params extends unknown[], Row>(
  definition: StatementDefinition<Params, Row>,
  schema: string,
): Statement<Params, Row> {
  const text = definition.source.replaceAll('{{schema}}', `"${schema}"`).replaceAll('{{channel}}', `'${channelName(schema)}'`);
  // Prepared-statement names are cut at 63 bytes by the server, so the schema goes in as a short hash.
  const schemaTag = createHash('sha256').update(schema).digest('hex').slice(0, 10);
  return { name: `th_${schemaTag}_${definition.operation}`, text };
}

/** The parameter tuple of a statement definition. */
export type ParamsOf<D> = D extends StatementDefinition<infer P, unknown> ? P : never;
