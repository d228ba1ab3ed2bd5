import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runName } from './parts/case-pattern.js';
import { PARTS } from './parts/index.js';
import type { BrokenDriverCases } from './parts/part.js';
import { brokenFiles, type DriverOutcome, type JsonReport, outcomesByDriver } from './support/report.js';
import { runChild } from './support/run-child.js';

const brokenDriversDir = join(dirname(fileURLToPath(import.meta.url)), 'broken-drivers');

describe('the conformance suite bites', () => {
  let workDir: string;
  let report: JsonReport;
  let outcomes: Map<string, DriverOutcome>;
  const outcomeOf = (run: string): DriverOutcome => outcomes.get(run) ?? { ran: [], failed: ['<no results>'] };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'taskharbor-selftest-'));
    report = await runChild(join(workDir, 'report.json'));
    outcomes = outcomesByDriver(report);
    // About 5,200 case runs in one child: 13 s of CPU, far longer on the clock while other packages' tests run.
  }, 1_200_000);

  afterAll(async () => {
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it('has one part for the core operations and one for each family the memory driver declares', async () => {
    // Every broken driver is a MemoryDriver, so a family it does not declare has no cases to run here.
    const memory = new MemoryDriver();
    const families = [...memory.families];
    await memory.close();
    expect(PARTS.map((part) => part.name).sort()).toEqual(['core', ...families].sort());
  });

  it('runs every broken driver in some part, under one name in all of them', async () => {
    const named = new Map<BrokenDriverCases['driver'], Set<string>>();
    for (const part of PARTS) {
      for (const [name, { driver }] of Object.entries(part.drivers)) {
        // The case pattern takes a run name to end at the first space.
        expect(name, `${part.name} part`).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(name, `${part.name} part`).not.toBe('memory');
        named.set(driver, (named.get(driver) ?? new Set()).add(name));
      }
    }
    for (const [driver, names] of named) expect([...names], driver.name).toHaveLength(1);
    const unused: string[] = [];
    for (const file of await readdir(brokenDriversDir)) {
      const module = (await import(pathToFileURL(join(brokenDriversDir, file)).href)) as Record<string, unknown>;
      for (const [exported, value] of Object.entries(module)) {
        if (typeof value === 'function' && !named.has(value as BrokenDriverCases['driver'])) unused.push(`${file}: ${exported}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('the child run loaded its fixture and ran every part for the memory driver and the listed drivers', () => {
    expect(brokenFiles(report)).toEqual([]);
    const runs = PARTS.flatMap((part) => ['memory', ...Object.keys(part.drivers)].map((driver) => runName(part.name, driver)));
    expect([...outcomes.keys()].sort()).toEqual(runs.sort());
  });

  for (const part of PARTS) {
    describe(`the ${part.name} part`, () => {
      const memory = runName(part.name, 'memory');

      it('the unbroken memory driver passes every case of the part', () => {
        expect(outcomeOf(memory).ran.length).toBeGreaterThan(0);
        expect(outcomeOf(memory).failed).toEqual([]);
      });

      it('every broken driver ran the same cases as the memory driver', () => {
        const cases = [...outcomeOf(memory).ran].sort();
        for (const driver of Object.keys(part.drivers)) {
          expect([...outcomeOf(runName(part.name, driver)).ran].sort(), driver).toEqual(cases);
        }
      });

      for (const [driver, { fails }] of Object.entries(part.drivers)) {
        it(`${driver} fails exactly its ${fails.length} case${fails.length === 1 ? '' : 's'}`, () => {
          expect([...outcomeOf(runName(part.name, driver)).failed].sort()).toEqual([...fails].sort());
        });
      }
    });
  }
});
