import { ValidationError } from '@taskharbor/core';

/** Lower-case letters, digits and underscores, starting with a letter or underscore: safe unquoted and quoted alike. */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,49}$/;

/** The schema the driver uses when none is given. */
export const DEFAULT_SCHEMA = 'taskharbor';

/** Checks a schema name; the driver writes it into its SQL, so only plain identifiers pass. */
export function validateSchemaName(schema: unknown): string {
  if (typeof schema !== 'string' || !SCHEMA_PATTERN.test(schema)) {
    throw new ValidationError(
      'schema',
      `expected 1 to 50 lower-case letters, digits or underscores, starting with a letter or underscore; got ${JSON.stringify(schema)}`,
    );
  }
  return schema;
}

/** The LISTEN/NOTIFY channel every driver on this schema shares: work, finish and cancel notices. */
export function channelName(schema: string): string {
  return `taskharbor:${schema}`;
}
