import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from './report.js';

const packageDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** Runs every part once in a child vitest (test/fixtures/vitest.config.ts) and returns its JSON report. */
export async function runChild(outputFile: string): Promise<JsonReport> {
  const args = [vitestBin, 'run', '--config', 'test/fixtures/vitest.config.ts', '--reporter=json', `--outputFile=${outputFile}`];
  let stderr = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: packageDir, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  try {
    return JSON.parse(await readFile(outputFile, 'utf8')) as JsonReport;
  } catch (cause) {
    throw new Error(`the child run (exit ${code}) wrote no report:\n${stderr.slice(-4000)}`, { cause });
  }
}
