import type pg from 'pg';
import { isConnectionLoss, PostgresOutcomeUnknownError } from './errors.js';
import { sentValues, type Statement } from './sql/statement.js';

/** The statements of one transaction, on the one connection it holds. */
export interface Transaction {
  /** Runs a statement that reads or locks rows (`SELECT … FOR UPDATE`, an advisory lock). */
  read<P extends unknown[], R>(statement: Statement<P, R>, values: NoInfer<P>): Promise<R[]>;
  /** Runs a statement that changes rows: the transaction then ends with COMMIT (else ROLLBACK). */
  write<P extends unknown[], R>(statement: Statement<P, R>, values: NoInfer<P>): Promise<R[]>;
}

/**
 * Runs `work` in one transaction on one pooled connection. It commits when
 * `work` returns after a write, and rolls back when `work` wrote nothing or
 * threw (its error passes through, so a typed error thrown after a check
 * leaves nothing changed). Only a lost reply to COMMIT leaves the outcome
 * unknown: that is PostgresOutcomeUnknownError, and nothing is resent. A
 * connection lost before COMMIT means the server rolled the transaction
 * back; that error passes through as pg raised it.
 */
export async function inTransaction<T>(pool: pg.Pool, operation: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost = false;
  // A checked-out client that loses its connection between statements emits 'error'; unheard, it would end the process.
  const onError = () => {
    lost = true;
  };
  client.on('error', onError);
  const send = async (text: string | pg.QueryConfig): Promise<pg.QueryResult> => {
    try {
      return await client.query(text);
    } catch (error) {
      if (isConnectionLoss(error)) lost = true;
      throw error;
    }
  };
  try {
    let wrote = false;
    const run = async <P extends unknown[], R>(statement: Statement<P, R>, values: P): Promise<R[]> =>
      (await send({ name: statement.name, text: statement.text, values: sentValues(statement, values) })).rows as R[];
    await send('BEGIN');
    let result: T;
    try {
      result = await work({
        read: run,
        write: (statement, values) => {
          wrote = true;
          return run(statement, values);
        },
      });
    } catch (error) {
      if (!lost) await send('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (!wrote) {
      // Nothing was written, so the answer stands even if this ROLLBACK is lost.
      await send('ROLLBACK').catch(() => undefined);
      return result;
    }
    try {
      await send('COMMIT');
    } catch (error) {
      if (lost) throw new PostgresOutcomeUnknownError(operation, error);
      throw error;
    }
    return result;
  } finally {
    // A lost connection leaves the pool (keeping the listener for its last events); a sound one goes back without it.
    if (!lost) client.off('error', onError);
    client.release(lost);
  }
}
