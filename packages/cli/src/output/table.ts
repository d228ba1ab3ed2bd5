import { type Style, visibleWidth } from './colour.js';

export interface Column {
  header: string;
  /** Numbers read best right-aligned. Default left. */
  align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis (error messages, reasons). */
  maxWidth?: number;
}

/** A cell: plain text, or text with a style applied after it is cut and padded to width. */
export type Cell = string | { text: string; style?: Style };

export interface TableOptions {
  /** Style for the header row (bold on a terminal). */
  headerStyle?: Style;
  /** Spaces between columns. Default 2. */
  gap?: number;
}

/** Cuts to `width` characters, the last one an ellipsis; one line only (newlines would break the rows). */
export function truncate(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ⏎ ');
  const chars = [...oneLine];
  if (chars.length <= width) return oneLine;
  if (width <= 1) return '…'.slice(0, width);
  return `${chars.slice(0, width - 1).join('').trimEnd()}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Lays rows out in aligned columns. Widths are measured on the plain text,
 * and styles are applied after padding is worked out, so colour never
 * shifts a column. The last column is not padded (no trailing spaces).
 * Returns the lines without newlines.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string[] {
  const gap = ' '.repeat(options.gap ?? 2);
  const texts = rows.map((row) =>
    columns.map((column, i) => {
      const cell = row[i] ?? '';
      const text = typeof cell === 'string' ? cell : cell.text;
      return column.maxWidth === undefined ? text.replace(/\s*\n\s*/g, ' ⏎ ') : truncate(text, column.maxWidth);
    }),
  );
  const widths = columns.map((column, i) =>
    Math.max(visibleWidth(column.header), ...texts.map((row) => visibleWidth(row[i] ?? ''))),
  );
  const render = (cells: readonly string[], styles: readonly (Style | undefined)[]) =>
    columns
      .map((column, i) => {
        const last = i === columns.length - 1;
        const align = column.align ?? 'left';
        const text = cells[i] ?? '';
        const padded = last && align === 'left' ? text : pad(text, widths[i] ?? 0, align);
        const style = styles[i];
        if (style === undefined) return padded;
        // Style only the text, not the padding, so underline or background styles stay tidy.
        return text === '' ? padded : padded.replace(text, style(text));
      })
      .join(gap)
      // An empty last cell would leave the gap behind it.
      .trimEnd();
  const headerStyle = options.headerStyle;
  const lines = [
    render(
      columns.map((column) => column.header),
      columns.map(() => headerStyle),
    ),
  ];
  rows.forEach((row, r) => {
    const styles = columns.map((_, i) => {
      const cell = row[i];
      return typeof cell === 'object' ? cell.style : undefined;
    });
    lines.push(render(texts[r] ?? [], styles));
  });
  return lines;
}

/**
 * Label and value pairs, labels aligned (inspect). A value over several
 * lines (a stack trace) is indented under the first so it stays readable.
 */
export function formatFields(fields: readonly (readonly [string, string])[], labelStyle?: Style): string[] {
  const width = Math.max(0, ...fields.map(([label]) => visibleWidth(label)));
  const lines: string[] = [];
  for (const [label, value] of fields) {
    const [first = '', ...more] = value.split('\n');
    const shown = labelStyle === undefined ? label : labelStyle(label);
    lines.push(`${shown}${' '.repeat(width - visibleWidth(label) + 2)}${first}`.trimEnd());
    for (const line of more) lines.push(`${' '.repeat(width + 2)}${line}`.trimEnd());
  }
  return lines;
}
