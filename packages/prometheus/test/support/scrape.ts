import type { Registry } from 'prom-client';

/** The sample lines of one metric family in the registry's text output, in output order (no HELP or TYPE lines). */
export async function samples(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((line) => !line.startsWith('#') && (line.startsWith(`${name}{`) || line.startsWith(`${name} `)));
}

/** Every non-empty line of the registry's text output, comments included. */
export async function lines(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((line) => line !== '');
}
