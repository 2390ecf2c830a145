/**
 * `tally import <file.ndjson> --key <api key>`: streams a file of canonical events (one per line,
 * as POST /v1/events takes them) to ingest's import route in parts, shows progress, waits until the
 * aggregator applied everything, and closes the import (docs/api.md "Imports").
 *
 * The import id defaults to a digest of the file and the part size, so running the same command
 * again names the same import with the same parts: parts already recorded are answered as they
 * were and publish nothing; a part answered 503 or lost on the network is retried with backoff.
 * Ingest refuses a recorded part number sent with another body (409 part_conflict), so a second
 * file under one id (`--id`, `--no-close` on the first) must start after the first's parts
 * (`--first-part`). Only ingest's HTTP API is used (no database).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ImportOptions {
  file: string;
  key: string;
  /** Ingest's base URL. */
  url: string;
  importId?: string | undefined;
  partSize: number;
  /** The first part's number (default 0): a further file under the same id starts after the last. */
  firstPart?: number;
  /** Close the import once applied; false leaves it open (more files follow under the same id). */
  close: boolean;
  log: (line: string) => void;
  /** For tests: the pause between retries and polls. */
  sleep?: (ms: number) => Promise<void>;
  /** Gives up waiting for the aggregator after this long (default 30 min). */
  waitMs?: number;
}

export interface ImportSummary {
  importId: string;
  parts: number;
  accepted: number;
  rejected: number;
  published: number;
  applied: number | null;
  duplicate: number | null;
  late: number | null;
  state: string;
}

interface Progress extends ImportSummary {
  done: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A part of an NDJSON file: its non-blank lines and, for each, its line number in the file. */
export interface FilePart {
  lines: string[];
  fileLines: number[];
}

/** The parts of an NDJSON file: `size` non-blank lines each, streamed (the file is never read whole). */
export async function* partsOf(file: string, size: number): AsyncGenerator<FilePart> {
  const input = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let part: FilePart = { lines: [], fileLines: [] };
  let n = 0;
  for await (const line of input) {
    n += 1;
    if (line.trim() === '') continue;
    part.lines.push(line);
    part.fileLines.push(n);
    if (part.lines.length >= size) {
      yield part;
      part = { lines: [], fileLines: [] };
    }
  }
  if (part.lines.length > 0) yield part;
}

/**
 * A stable id for a file's content cut in parts of `partSize`: the same command is the same
 * import; another part size is another import (its parts hold other lines).
 */
export async function fileImportId(file: string, partSize: number): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `file-${h.digest('hex').slice(0, 24)}-p${partSize}`;
}

async function call(
  o: ImportOptions,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; json: unknown }> {
  const sleep = o.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${o.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${o.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/x-ndjson' }),
        },
        ...(body === undefined ? {} : { body }),
      });
      const json: unknown = await res.json().catch(() => null);
      if (res.status < 500 || attempt >= 8) return { status: res.status, json };
    } catch (err) {
      if (attempt >= 8) throw err;
    }
    await sleep(Math.min(30_000, 250 * 2 ** attempt));
  }
}

function failure(status: number, json: unknown): Error {
  const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
  return new Error(`ingest answered ${status}: ${e?.code ?? ''} ${e?.message ?? ''}`.trim());
}

export async function runImport(o: ImportOptions): Promise<ImportSummary> {
  const sleep = o.sleep ?? defaultSleep;
  const importId = o.importId ?? (await fileImportId(o.file, o.partSize));
  const base = `/v1/imports/${encodeURIComponent(importId)}`;
  o.log(`import ${importId}: ${o.file} in parts of ${o.partSize}`);
  let n = o.firstPart ?? 0;
  let sent = 0;
  for await (const { lines, fileLines } of partsOf(o.file, o.partSize)) {
    const r = await call(o, 'PUT', `${base}/parts/${n}`, lines.join('\n'));
    if (r.status !== 200) throw failure(r.status, r.json);
    const a = r.json as {
      accepted: number;
      rejected: number;
      replayed: boolean;
      issues: { line: number; path: string; message: string }[];
    };
    sent += lines.length;
    o.log(
      `part ${n}: ${a.accepted} accepted, ${a.rejected} rejected${a.replayed ? ' (already recorded)' : ''} — ${sent} lines sent`,
    );
    for (const x of a.issues.slice(0, 5))
      o.log(`  line ${fileLines[x.line - 1] ?? '?'}: ${x.path} ${x.message}`);
    n += 1;
  }
  const deadline = Date.now() + (o.waitMs ?? 30 * 60_000);
  let p: Progress;
  for (;;) {
    const r = await call(o, 'GET', base);
    if (r.status !== 200) throw failure(r.status, r.json);
    p = r.json as Progress;
    o.log(
      `applied by the aggregator: ${p.applied ?? '?'} applied, ${p.duplicate ?? '?'} duplicate, ${p.late ?? '?'} late of ${p.published} published`,
    );
    // Without the aggregator's Redis, ingest cannot tell: nothing to wait for.
    if (p.done || p.applied === null) break;
    if (Date.now() > deadline)
      throw new Error('the aggregator has not applied the import in time; run again to resume');
    await sleep(1000);
  }
  if (!o.close) return p;
  for (;;) {
    const r = await call(o, 'POST', `${base}/close`);
    if (r.status === 200) {
      const p = r.json as Progress;
      o.log(`import ${importId} ${p.state}`);
      return p;
    }
    const code = (r.json as { error?: { code?: string } } | null)?.error?.code;
    if (r.status !== 409 || code !== 'import_pending' || Date.now() > deadline)
      throw failure(r.status, r.json);
    await sleep(1000);
  }
}
