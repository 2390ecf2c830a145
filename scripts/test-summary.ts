/**
 * The closing line of `./tally test`, from vitest's JSON report. Tests alone undercount a broken
 * run: a file whose `beforeAll` throws, or that fails to import, has no failed test (its tests are
 * skipped or never collected), so "0 failed" used to close a red run. The line counts failed test
 * files and suites too, and names the files that failed without a failing test.
 *
 *   node --import tsx scripts/test-summary.ts .tally/vitest.json
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of vitest's (Jest-compatible) JSON report the line reads. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
  testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
}

export function testSummary(r: VitestReport, root = process.cwd()): string {
  const failedFiles = r.testResults.filter((f) => f.status === 'failed');
  const silent = failedFiles.filter((f) => !f.assertionResults.some((a) => a.status === 'failed'));
  const parts = [
    `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
    `${failedFiles.length} test file${failedFiles.length === 1 ? '' : 's'} and ${r.numFailedTestSuites} suite${r.numFailedTestSuites === 1 ? '' : 's'} failed`,
  ];
  let line = parts.join('; ');
  if (silent.length > 0)
    line += `\nfailed without a failing test (setup or import): ${silent.map((f) => relative(root, f.name)).join(', ')}`;
  // A run can fail with every count clean (an unhandled error between tests): never say it passed.
  if (!r.success && r.numFailedTests === 0 && failedFiles.length === 0 && r.numFailedTestSuites === 0)
    line += '\nthe run FAILED (an error outside any test: see the output above)';
  return line;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? '.tally/vitest.json';
  let report: VitestReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
  } catch (err) {
    console.log(`no test report (${file}: ${(err as Error).message}): the run did not finish`);
    process.exit(0);
  }
  console.log(testSummary(report));
}
