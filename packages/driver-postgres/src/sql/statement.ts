import { createHash } from 'node:crypto';
import { channelName } from '../schema-name.js';

/** One SQL statement bound to a schema: pg prepares it once per connection under `name`. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/**
 * Fills a statement's placeholders: `{{schema}}` with the quoted schema and
 * `{{channel}}` with the notification channel as a string literal. The
 * schema name is checked by validateSchemaName, so neither needs escaping.
 */
export function bindStatement(operation: string, source: string, schema: string): Statement {
  const text = source.replaceAll('{{schema}}', `"${schema}"`).replaceAll('{{channel}}', `'${channelName(schema)}'`);
  // Prepared-statement names are cut at 63 bytes by the server, so the schema goes in as a short hash.
  const schemaTag = createHash('sha256').update(schema).digest('hex').slice(0, 10);
  return { name: `th_${schemaTag}_${operation}`, text };
}
