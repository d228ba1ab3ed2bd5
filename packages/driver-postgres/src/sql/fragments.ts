import ackBefore from './fragments/ack-before.sql';
import enqueueHead from './fragments/enqueue-head.sql';
import enqueueInsert from './fragments/enqueue-insert.sql';
import enqueueWake from './fragments/enqueue-wake.sql';
import reserveDue from './fragments/reserve-due.sql';
import reserveFinish from './fragments/reserve-finish.sql';

/**
 * The SQL fragments a statement takes in with `{{include NAME}}`, by NAME
 * (their file in fragments/, without `.sql`). Imported like the statements,
 * so the build inlines them the same way.
 */
export const FRAGMENTS: Readonly<Record<string, string>> = {
  'ack-before': ackBefore,
  'enqueue-head': enqueueHead,
  'enqueue-insert': enqueueInsert,
  'enqueue-wake': enqueueWake,
  'reserve-due': reserveDue,
  'reserve-finish': reserveFinish,
};
