import type pg from 'pg';
import { isConnectionLoss, PostgresOutcomeUnknownError } from './errors.js';
import { migrate } from './migrations.js';
import type { LeaseClock } from './lease-clock.js';
import { sentValues, type Statement } from './sql/statement.js';
import { bindStatements, type Statements } from './sql/statements.js';
import { inTransaction, type Transaction } from './transaction.js';

/**
 * The driver's way to the database: the pool, the schema's statements, and
 * the one rule for running them. A state-changing statement runs once; when
 * its connection is lost it is an OutcomeUnknownError, never a resend.
 * Every call first makes sure the schema is migrated.
 */
export class Database {
  readonly sql: Statements;
  private migrated: Promise<void> | undefined;

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    readonly leaseClock: LeaseClock = 'caller',
  ) {
    this.sql = bindStatements(schema, leaseClock);
  }

  /** Creates or migrates the schema once; a failed attempt is tried again by the next call. */
  ready(): Promise<void> {
    this.migrated ??= migrate(this.pool, this.schema, Date.now()).catch((error) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  /** Runs a state-changing statement once: a lost connection is an OutcomeUnknownError naming the operation. */
  async write<P extends unknown[], R>(operation: string, statement: Statement<P, R>, values: NoInfer<P>): Promise<R[]> {
    await this.ready();
    try {
      const result = await this.pool.query({ name: statement.name, text: statement.text, values: sentValues(statement, values) });
      return result.rows as R[];
    } catch (error) {
      if (isConnectionLoss(error)) throw new PostgresOutcomeUnknownError(operation, error);
      throw error;
    }
  }

  /** Runs a statement whose repeat is harmless (a read, or the watch mark); errors pass through as pg raised them. */
  async read<P extends unknown[], R>(statement: Statement<P, R>, values: NoInfer<P>): Promise<R[]> {
    await this.ready();
    const result = await this.pool.query({ name: statement.name, text: statement.text, values: sentValues(statement, values) });
    return result.rows as R[];
  }

  /** Runs `work` as one transaction on one connection (see inTransaction): commits after a write, a lost COMMIT reply is an OutcomeUnknownError. */
  async transaction<T>(operation: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    await this.ready();
    return inTransaction(this.pool, operation, work);
  }
}
