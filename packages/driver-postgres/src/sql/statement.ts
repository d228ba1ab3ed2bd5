import { createHash } from 'node:crypto';
import { channelName } from '../schema-name.js';
import { FRAGMENTS } from './fragments.js';

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

/** A statement definition; its `{{include NAME}}` lines are filled in here, when the module loads. */
export function defineStatement<Params extends unknown[], Row>(operation: string, source: string): StatementDefinition<Params, Row> {
  return { operation, source: expandIncludes(source) };
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
