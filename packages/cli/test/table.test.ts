import { describe, expect, it } from 'vitest';
import { createColours, stripAnsi } from '../src/output/colour.js';
import { formatFields, formatTable, truncate } from '../src/output/table.js';

describe('formatTable', () => {
  it('aligns columns to the widest cell, numbers to the right, without trailing spaces', () => {
    const lines = formatTable(
      [{ header: 'QUEUE' }, { header: 'READY', align: 'right' }, { header: 'NOTE' }],
      [
        ['default', '3', 'ok'],
        ['emails-priority', '1200', ''],
      ],
    );
    expect(lines).toEqual([
      'QUEUE            READY  NOTE',
      'default              3  ok',
      'emails-priority   1200',
    ]);
  });

  it('cuts long cells with an ellipsis and keeps rows on one line', () => {
    const lines = formatTable([{ header: 'ID' }, { header: 'REASON', maxWidth: 10 }], [['a', 'failed 3 of 3 allowed attempts']]);
    expect(lines[1]).toBe('a   failed 3…');
    const multi = formatTable([{ header: 'E' }], [['line one\n  line two']]);
    expect(multi[1]).toBe('line one ⏎ line two');
  });

  it('measures widths without colour codes, so styled cells stay aligned', () => {
    const colours = createColours(true);
    const lines = formatTable(
      [{ header: 'STATUS' }, { header: 'N', align: 'right' }],
      [
        [{ text: 'dlq', style: colours.red }, '1'],
        [{ text: 'scheduled', style: colours.blue }, '22'],
      ],
      { headerStyle: colours.bold },
    );
    expect(lines[1]).toContain('\u001b[31mdlq\u001b[39m');
    expect(lines.map(stripAnsi)).toEqual(['STATUS      N', 'dlq         1', 'scheduled  22']);
  });

  it('prints only the header for no rows', () => {
    expect(formatTable([{ header: 'A' }, { header: 'B' }], [])).toEqual(['A  B']);
  });
});

describe('truncate', () => {
  it('leaves short text alone and counts characters, not UTF-16 units', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('formatFields', () => {
  it('aligns labels and indents the later lines of a multi-line value', () => {
    expect(
      formatFields([
        ['id', 'J1'],
        ['last error', 'Error: boom\n    at handler'],
      ]),
    ).toEqual(['id          J1', 'last error  Error: boom', '                at handler']);
  });
});
