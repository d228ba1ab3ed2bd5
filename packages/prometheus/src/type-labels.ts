/** The type label of jobs whose type came after the first maxTypes. */
export const OTHER_TYPE = 'other';

/**
 * Keeps the `type` label bounded: the first `max` job types seen keep their
 * own label, every later one is reported as `other`. A job type is chosen by
 * the app, but a job of a type no handler knows (a typo, an old producer) can
 * reach a worker too, and each such type would be a new series.
 */
export class TypeLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  label(type: string): string {
    if (this.seen.has(type)) return type;
    if (this.seen.size >= this.max) return OTHER_TYPE;
    this.seen.add(type);
    return type;
  }
}
