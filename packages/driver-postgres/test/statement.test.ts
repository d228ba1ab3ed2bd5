import { describe, expect, it } from 'vitest';
import enqueueHead from '../src/sql/fragments/enqueue-head.sql';
import enqueueInsert from '../src/sql/fragments/enqueue-insert.sql';
import enqueueWake from '../src/sql/fragments/enqueue-wake.sql';
import reserveDue from '../src/sql/fragments/reserve-due.sql';
import reserveFinish from '../src/sql/fragments/reserve-finish.sql';
import { channelName } from '../src/schema-name.js';
import { defineStatement, expandIncludes } from '../src/sql/statement.js';
import { bindStatements } from '../src/sql/statements.js';

describe('SQL includes', () => {
  const fragments = { steps: 'a AS (SELECT 1),\nb AS (SELECT 2)\n\n' };

  it('replaces an include with the fragment text, trailing newlines cut', () => {
    expect(expandIncludes('WITH\n{{include steps}}\nSELECT * FROM b;', fragments)).toBe(
      'WITH\na AS (SELECT 1),\nb AS (SELECT 2)\nSELECT * FROM b;',
    );
  });

  it('an unknown fragment is an error naming it and the known ones', () => {
    expect(() => expandIncludes('WITH {{include stepz}} SELECT 1', fragments)).toThrow(
      'unknown SQL fragment "stepz" in {{include stepz}}; known: steps',
    );
    expect(() => defineStatement('broken', 'WITH {{include no-such-fragment}} SELECT 1')).toThrow(/unknown SQL fragment "no-such-fragment"/);
  });

  it('a fragment that includes another is an error (no chains, so no loops)', () => {
    const looping = { a: '{{include b}}', b: '{{include a}}' };
    expect(() => expandIncludes('{{include a}}', looping)).toThrow('SQL fragment "a" has an {{include}} of its own; fragments do not nest');
  });

  it('both lock-free reserves and both enqueues carry their shared steps, and no statement keeps an include', () => {
    const schema = 'th_include_check';
    const statements = bindStatements(schema);
    const shared = [
      { fragments: [reserveDue, reserveFinish], statements: [statements.reserve, statements.reservePriority] },
      { fragments: [enqueueHead, enqueueInsert, enqueueWake], statements: [statements.enqueue, statements.enqueuePlain] },
    ];
    for (const family of shared) {
      for (const statement of family.statements) {
        for (const fragment of family.fragments) {
          const bound = fragment.replace(/\n+$/, '').replaceAll('{{schema}}', `"${schema}"`).replaceAll('{{channel}}', `'${channelName(schema)}'`);
          expect(statement.text).toContain(bound);
        }
      }
    }
    // The plain insert is the one without conflict handling.
    expect(statements.enqueue.text).toContain('ON CONFLICT DO NOTHING');
    expect(statements.enqueuePlain.text).not.toContain('ON CONFLICT DO NOTHING');
    for (const statement of Object.values(statements)) expect(statement.text).not.toContain('{{');
  });
});
