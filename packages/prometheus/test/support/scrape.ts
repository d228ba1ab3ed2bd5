import type { Registry } from 'prom-client';

/**
 * The sample lines of one metric family in the registry's text output, in
 * output order (no HELP or TYPE lines); a histogram's family includes its
 * _bucket, _sum and _count lines. `name` may carry a label set, to pick one
 * series: `taskharbor_jobs{queue="a",status="ready"}`.
 */
export async function samples(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  const starts = [name, `${name}_bucket`, `${name}_sum`, `${name}_count`].flatMap((family) => [`${family}{`, `${family} `]);
  return text.split('\n').filter((line) => !line.startsWith('#') && starts.some((start) => line.startsWith(start)));
}

/** Every non-empty line of the registry's text output, comments included. */
export async function lines(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((line) => line !== '');
}
