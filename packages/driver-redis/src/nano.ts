/**
 * The job hash keeps times as integer nanosecond strings, as the original Go
 * driver wrote them. They are built and read here, in TypeScript, so Lua
 * never does arithmetic or comparisons on them (a double cannot hold every
 * nanosecond value of the contract's time range exactly). The scripts' own
 * times (leaseClock 'server') get the same form from `ms_to_nano` in
 * lua/includes/clock.lua, which only appends digits.
 */

/** `ms` (a validated non-negative integer) as a nanosecond string: `1700000000000` → `"1700000000000000000"`. */
export function msToNano(ms: number): string {
  return ms === 0 ? '0' : `${ms}000000`;
}

/**
 * A nanosecond string as whole milliseconds, rounded down, so hashes written
 * with sub-millisecond precision (by the Go driver) read back as well.
 */
export function nanoToMs(nano: string, field: string): number {
  if (!/^\d{1,25}$/.test(nano)) throw new Error(`stored field ${field} is not an integer nanosecond string: ${JSON.stringify(nano)}`);
  return nano.length > 6 ? Number(nano.slice(0, -6)) : 0;
}
