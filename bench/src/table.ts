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

/** Our median over a peer's: >1 means ours is better for higher-is-better rows (and is printed as such). */
function ratio(row: Row, ours: string, peer: string): string {
  const a0 = row.values[ours];
  const b0 = row.values[peer];
  if (a0 === undefined || b0 === undefined) return 'n/a';
  const a = median(a0);
  const b = median(b0);
  if (b === 0) return a === 0 ? '1.00x' : 'n/a';
  return `${(a / b).toFixed(2)}x`;
}

/** The rows that hold a value of at least one of these contenders. */
export function rowsOf(rows: Row[], contenders: string[]): Row[] {
  return rows.filter((row) => contenders.some((c) => (row.values[c]?.length ?? 0) > 0));
}

/** A Markdown table: median (min–max) per contender, then `ours` (TH) ÷ each peer. */
export function formatTable(rows: Row[], contenders: string[], ours: string, peers: string[]): string {
  const shown = peers.filter((p) => contenders.includes(p));
  const header = ['scenario', 'unit', ...contenders, ...shown.map((p) => `TH/${p}`)];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const unit = `${row.unit} (${row.better} is better)`;
    lines.push(`| ${[row.name, unit, ...contenders.map((c) => cell(row.values[c])), ...shown.map((p) => ratio(row, ours, p))].join(' | ')} |`);
  }
  return lines.join('\n');
}
