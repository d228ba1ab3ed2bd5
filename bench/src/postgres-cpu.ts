import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by the processes named `postgres` on this machine
 * (a PostgreSQL on the same host, read from /proc), or NaN where /proc is not
 * there. Backends that exit between two readings take their time with them,
 * so compare readings taken while the pool's connections stay open.
 */
export function postgresCpuSeconds(): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  const ticksPerSecond = 100;
  let ticks = 0;
  let found = false;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // the process ended while being read
    }
  }
  return found ? ticks / ticksPerSecond : Number.NaN;
}
