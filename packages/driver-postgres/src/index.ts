export { PostgresDriver } from './postgres-driver.js';
export { RESERVE_DUE_BOUND } from './reserve-operation.js';
export type { PostgresConnectOptions, PostgresDriverOptions } from './driver-options.js';
export type { LeaseClock } from './lease-clock.js';
export { PostgresConnectError, PostgresOutcomeUnknownError, SchemaVersionError } from './errors.js';
export { SCHEMA_VERSION } from './migrations.js';
export { DEFAULT_SCHEMA } from './schema-name.js';
