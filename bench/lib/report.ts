/**
 * A benchmark figure, and the BENCHMARKS.md / JSON writers. Every throughput figure sits beside a
 * baseline measured in the same run, as a ratio: the machines are noisy, ratios less so.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { ROOT } from './processes.ts';

export interface Figure {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  /** value / baseline, when there is a baseline. */
  ratio?: number;
  /** e.g. "ratio >= 0.5" or "p99 <= 1000 ms"; undefined = report only. */
  goal?: string;
  met?: boolean;
  note?: string;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const fmt = (n: number | undefined) =>
  n === undefined
    ? ''
    : Math.abs(n) >= 100
      ? Math.round(n).toLocaleString('en-US')
      : n.toFixed(n < 1 ? 3 : 2);

export function table(figures: Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.scenario} | ${f.metric} | ${fmt(f.value)} ${f.unit} | ${f.baseline === undefined ? '' : `${fmt(f.baseline)} ${f.unit}`} | ${fmt(f.ratio)} | ${f.goal ?? 'report'} | ${f.met === undefined ? '' : f.met ? 'met' : '**not met**'} |`,
  );
  return [
    '| scenario | metric | value | baseline | ratio | goal | |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function writeReports(
  mode: string,
  figures: Figure[],
  notes: string[],
  extraMarkdown = '',
): { md: string; json: string } {
  const m = machine();
  const date = new Date().toISOString();
  const c = commit();
  const json = `${ROOT}bench/results/${mode}.json`;
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(json, `${JSON.stringify({ mode, date, commit: c, machine: m, figures, notes }, null, 2)}\n`);
  const md = `${ROOT}BENCHMARKS.md`;
  if (mode === 'full') {
    writeFileSync(
      md,
      `# Benchmarks\n\nMeasured by \`./tally bench\` (full mode) on ${date.slice(0, 10)}, commit \`${c}\`.\n\n` +
        `Machine: ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Kafka, Redis and Postgres run on the same ` +
        `machine (native, see infra/native/stack.sh); load generators run in separate processes.\n\n` +
        `${table(figures)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n${extraMarkdown}`,
    );
  }
  return { md, json };
}
