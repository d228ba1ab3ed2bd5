/**
 * Ids sort by code point, which is also the order of their UTF-8 bytes and
 * so the order Redis and Postgres use. JavaScript's `<` compares UTF-16 code
 * units instead, which differs when a character above U+FFFF (a surrogate
 * pair) meets one from U+E000 to U+FFFF.
 */
export function idBefore(a: string, b: string): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) < codePointRank(y);
  }
  return a.length < b.length;
}

/** Moves surrogates above U+E000–U+FFFF, keeping every other unit's order. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** A sort comparator in code-point order. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return idBefore(a, b) ? -1 : 1;
}
