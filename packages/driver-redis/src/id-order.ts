const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Whether each id sorts strictly after the one before it in UTF-8 byte order,
 * the order of the Redis id index. JavaScript compares UTF-16 code units,
 * which agrees with byte order unless a character beyond U+FFFF (a
 * surrogate pair) is involved; such ids answer false, never a wrong true.
 * The ids newJobId makes within one call answer true.
 */
export function idsAscending(ids: readonly string[]): boolean {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    if (SURROGATE.test(id)) return false;
    if (i > 0 && !((ids[i - 1] as string) < id)) return false;
  }
  return true;
}
