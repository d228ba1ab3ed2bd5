/**
 * Ids sort by code point, which is also the order of their UTF-8 bytes and
 * so the order Redis and Postgres use. JavaScript's `<` compares UTF-16 code
 * units instead, which differs when a character above U+FFFF (a surrogate
 * pair) meets one from U+E000 to U+FFFF.
 */
export function idBefore(a: string, b: string): boolean {
  for (let i = 0; i < b.length; i++) {
    if (i === a.length) return true;
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) < codePointRank(y);
  }
  return false;
}

/** Moves surrogates (D800–DFFF) above E000–FFFF, keeping every other unit's order. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** A sort comparator in code-point order. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return idBefore(a, b) ? -1 : 1;
}
