import { BULK_STEP_SIZE, type Lease, metricsMinute } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { Statement } from '../src/sql/statement.js';
import { bindStatements } from '../src/sql/statements.js';
import { SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

/** A node of `EXPLAIN (FORMAT JSON)`. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

function* allNodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* allNodes(child);
}

/** The scans of `relation` below `node` within its own subplan (a CTE or init plan below it is another plan). */
function scansBelow(node: PlanNode, relation: string): PlanNode[] {
  const found: PlanNode[] = [];
  for (const child of node.Plans ?? []) {
    if (child['Subplan Name'] !== undefined) continue;
    if (child['Relation Name'] === relation && child['Node Type'].includes('Scan')) found.push(child);
    found.push(...scansBelow(child, relation));
  }
  return found;
}

/**
 * The planner picks by the table's statistics, which lag behind a table
 * that filled fast (autovacuum analyzes it about a minute later). These
 * plans are of a table of 150,000 jobs that was never analyzed, the state
 * of a queue right after a burst; docs/postgres.md, "Plans that hold while
 * statistics lag", says what each used to cost.
 */
describe.skipIf(SKIP_POSTGRES)('plans while the statistics lag behind the table', () => {
  const file = usePostgresFile('plans');

  it('reserve_reads_the_ready_head_in_index_order_and_the_acks_find_leases_by_primary_key', async () => {
    const driver = await file.driver({ retention: { maxDoneCount: 0 } });
    const queue = uniqueQueue();
    const { schema, pool } = file;
    await driver.enqueue({ id: 'first', type: 't', queue, payload: Uint8Array.of(1), createdAt: T0, maxAttempts: 3 }, T0);
    await pool.query(
      `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, position)
       SELECT $1, 'load-' || lpad(g::text, 8, '0'), 't', '\\x00', $2, 3, 'ready', nextval('"${schema}".ready_position')
       FROM generate_series(1, 150000) AS g`,
      [queue, T0],
    );
    const { jobs } = await driver.reserve({ queue, limit: 1000, leaseMs: 600_000, now: T0 + 1 });
    const leases = jobs.map((reserved) => reserved.lease);
    // Finished leases leave dead entries in jobs_inflight until VACUUM: the range the acks must not walk.
    await driver.ackMany(leases.slice(0, 500), T0 + 2);
    const held: Lease[] = leases.slice(500, 700);

    const sql = bindStatements(schema);
    const planOf = async <P extends unknown[]>(statement: Statement<P, unknown>, values: P): Promise<PlanNode> => {
      const { rows } = await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${statement.text}`, values);
      const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
      if (plan === undefined) throw new Error(`no plan for ${statement.name}`);
      return plan;
    };
    const arrays = [held.map((lease) => lease.queue), held.map((lease) => lease.jobId), held.map((lease) => lease.token)] as const;

    const reserve = await planOf(sql.reserve, [queue, T0 + 3, 500, 600_000, 1000]);
    const reserveNodes = [...allNodes(reserve)];
    expect(reserveNodes.some((node) => node['Index Name'] === 'jobs_ready')).toBe(true);
    // No step sorts rows it read from the table: the ready head and the expired leases come in index order.
    for (const node of reserveNodes.filter((n) => n['Node Type'] === 'Sort')) expect(scansBelow(node, 'jobs')).toEqual([]);

    const now = T0 + 4;
    const acks = [
      await planOf(sql.ackRemove, [...arrays, now, metricsMinute(now)]),
      await planOf(sql.ack, [...arrays, now, held.map(() => null), 1000, null, BULK_STEP_SIZE, metricsMinute(now)]),
      await planOf(sql.extendLeases, [...arrays, now, 600_000]),
    ];
    for (const plan of acks) {
      const nodes = [...allNodes(plan)];
      expect(nodes.filter((node) => node['Index Name'] === 'jobs_inflight')).toEqual([]);
      // Never a scan of the table once per lease.
      for (const loop of nodes.filter((node) => node['Node Type'] === 'Nested Loop')) {
        const inner = loop.Plans?.[1];
        expect(inner === undefined ? [] : [inner, ...scansBelow(inner, 'jobs')].filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
      }
    }
  });
});
