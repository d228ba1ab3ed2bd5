import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_FAILURES } from './expected-failures.js';

/** The parts of vitest's JSON report this test reads. */
interface JsonReport {
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

interface DriverOutcome {
  total: number;
  failed: string[];
}

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** Runs every fixture once in a child vitest and returns its JSON report. */
async function runFixtures(outputFile: string): Promise<JsonReport> {
  const args = [vitestBin, 'run', '--config', 'vitest.fixtures.config.ts', '--reporter=json', `--outputFile=${outputFile}`];
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
    throw new Error(`the fixture run (exit ${code}) wrote no report:\n${stderr.slice(-4000)}`, { cause });
  }
}

/** Cases per driver (the outer describe block), failures named `block > case`. */
function byDriver(report: JsonReport): Map<string, DriverOutcome> {
  const outcomes = new Map<string, DriverOutcome>();
  for (const file of report.testResults) {
    for (const result of file.assertionResults) {
      const [driver = '', ...blocks] = result.ancestorTitles;
      const outcome = outcomes.get(driver) ?? { total: 0, failed: [] };
      outcome.total++;
      if (result.status !== 'passed') outcome.failed.push([...blocks, result.title].join(' > '));
      outcomes.set(driver, outcome);
    }
  }
  return outcomes;
}

describe('the conformance suite bites', () => {
  let workDir: string;
  let report: JsonReport;
  let outcomes: Map<string, DriverOutcome>;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'taskharbor-selftest-'));
    report = await runFixtures(join(workDir, 'report.json'));
    outcomes = byDriver(report);
    // One child run of the whole suite for every fixture driver: about a minute alone, over ten minutes on a
    // 2-core machine that runs the other packages' tests at the same time.
  }, 1_200_000);

  afterAll(async () => {
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it('every fixture file loaded and ran its cases', () => {
    const broken = report.testResults.filter((file) => file.assertionResults.length === 0);
    expect(broken.map((file) => `${file.name}: ${file.message}`)).toEqual([]);
    expect([...outcomes.keys()].sort()).toEqual(Object.keys(EXPECTED_FAILURES).sort());
  });

  it('every driver ran the same cases as the unbroken memory driver', () => {
    const memory = outcomes.get('memory')?.total ?? 0;
    expect(memory).toBeGreaterThan(200);
    for (const [driver, outcome] of outcomes) expect(outcome.total, driver).toBe(memory);
  });

  for (const [driver, expected] of Object.entries(EXPECTED_FAILURES)) {
    const what = expected.length === 0 ? 'passes every case' : `fails exactly its ${expected.length} case${expected.length === 1 ? '' : 's'}`;
    it(`${driver} ${what}`, () => {
      expect([...(outcomes.get(driver)?.failed ?? ['<no results>'])].sort()).toEqual([...expected].sort());
    });
  }
});
