import { describe, expect, it } from 'vitest';
import { testSummary, type VitestReport } from './test-summary.ts';

const base: VitestReport = {
  numPassedTests: 1,
  numFailedTests: 0,
  numPendingTests: 3,
  numTodoTests: 0,
  numFailedTestSuites: 0,
  success: true,
  testResults: [{ name: '/r/a.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }] }],
};

describe('the closing line of ./tally test', () => {
  it('says how many tests passed, failed and were skipped, and that no file failed', () => {
    expect(testSummary(base, '/r')).toBe('1 passed, 0 failed, 3 skipped; 0 test files and 0 suites failed');
  });

  it('counts a file whose setup threw (its tests skipped, none failed) and names it', () => {
    // What vitest 4 writes for a describe whose beforeAll throws (seen on a real run).
    const r: VitestReport = {
      ...base,
      numFailedTestSuites: 2,
      success: false,
      testResults: [
        ...base.testResults,
        {
          name: '/r/b.int.test.ts',
          status: 'failed',
          assertionResults: [{ status: 'skipped' }, { status: 'skipped' }],
        },
      ],
    };
    expect(testSummary(r, '/r')).toBe(
      '1 passed, 0 failed, 3 skipped; 1 test file and 2 suites failed\n' +
        'failed without a failing test (setup or import): b.int.test.ts',
    );
  });

  it('does not list a file whose failure is a failed test', () => {
    const r: VitestReport = {
      ...base,
      numFailedTests: 1,
      numFailedTestSuites: 1,
      success: false,
      testResults: [{ name: '/r/c.test.ts', status: 'failed', assertionResults: [{ status: 'failed' }] }],
    };
    expect(testSummary(r, '/r')).toBe('1 passed, 1 failed, 3 skipped; 1 test file and 1 suite failed');
  });

  it('never closes a failed run with clean counts', () => {
    expect(testSummary({ ...base, success: false }, '/r')).toContain('the run FAILED');
  });
});
