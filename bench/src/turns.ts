/**
 * What the A/B probes of whole builds share: running each build's step in
 * turns (order rotated every round and reversed every other, so no build
 * always goes first or follows the same one), and the median with
 * quartiles that their paired ratios are reported as.
 */

/** Runs `step` for every build, `warm + rounds` rounds in turns; keeps the results of the last `rounds`. */
export async function runInTurns<B, R>(builds: readonly B[], rounds: number, warm: number, step: (build: B) => Promise<R>): Promise<Map<B, R[]>> {
  const kept = new Map<B, R[]>(builds.map((build) => [build, []]));
  for (let round = 0; round < warm + rounds; round++) {
    const order = builds.map((_, i) => builds[(i + round) % builds.length] as B);
    if (round % 2 === 1) order.reverse();
    for (const build of order) {
      const result = await step(build);
      if (round >= warm) kept.get(build)?.push(result);
    }
  }
  return kept;
}

/** The q-quantile of `values` (linear between the two nearest). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low);
}

/** `median [q25, q75]` to three places. */
export function spread(values: readonly number[]): string {
  const at = (q: number) => quantile(values, q).toFixed(3);
  return `${at(0.5)} [${at(0.25)}, ${at(0.75)}]`;
}
