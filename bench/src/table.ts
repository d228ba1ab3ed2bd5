export interface Row {
  name: string;
  unit: string;
  better: 'higher' | 'lower';
  /** contender → one value per round */
  values: Record<string, number[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(values: number[] | undefined): string {
  if (values === undefined || values.length === 0) return 'n/a';
  const med = fmt(median(values));
  if (values.length === 1) return med;
  return `${med} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

/** TaskHarbor's median over a peer's: >1 means TaskHarbor is better for higher-is-better rows (and is printed as such). */
function ratio(row: Row, peer: string): string {
  const ours = row.values.taskharbor;
  const theirs = row.values[peer];
  if (ours === undefined || theirs === undefined) return 'n/a';
  const a = median(ours);
  const b = median(theirs);
  if (b === 0) return a === 0 ? '1.00x' : 'n/a';
  return `${(a / b).toFixed(2)}x`;
}

/** A Markdown table: median (min–max) per contender, then TaskHarbor ÷ BullMQ and ÷ bee-queue. */
export function formatTable(rows: Row[], contenders: string[]): string {
  const header = ['scenario', 'unit', ...contenders, 'TH/BullMQ', 'TH/bee-queue'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const unit = `${row.unit} (${row.better} is better)`;
    lines.push(
      `| ${[row.name, unit, ...contenders.map((c) => cell(row.values[c])), ratio(row, 'bullmq'), ratio(row, 'bee-queue')].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
