/** The parts of vitest's JSON report the self-test reads. */
export interface JsonReport {
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

/** What one driver did in a child run; cases named `block > case`. */
export interface DriverOutcome {
  /** The cases that ran: the part's cases (the others are skipped by the test name pattern). */
  ran: string[];
  failed: string[];
}

/** Outcomes by run name (`<part>/<driver>`), the outer describe block of runConformance. */
export function outcomesByDriver(report: JsonReport): Map<string, DriverOutcome> {
  const outcomes = new Map<string, DriverOutcome>();
  for (const file of report.testResults) {
    for (const result of file.assertionResults) {
      if (result.status === 'skipped' || result.status === 'pending') continue;
      const [driver = '', ...blocks] = result.ancestorTitles;
      const name = [...blocks, result.title].join(' > ');
      const outcome = outcomes.get(driver) ?? { ran: [], failed: [] };
      outcome.ran.push(name);
      if (result.status !== 'passed') outcome.failed.push(name);
      outcomes.set(driver, outcome);
    }
  }
  return outcomes;
}

/** Files that failed without running their cases (an import or collection error), with vitest's message. */
export function brokenFiles(report: JsonReport): string[] {
  return report.testResults
    .filter((file) => file.assertionResults.length === 0 || (file.message ?? '') !== '')
    .map((file) => `${file.name}: ${file.message ?? 'no cases'}`);
}
