import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileImportId, partsOf } from './import.ts';

describe('the import command reading its file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'h.ndjson');
  writeFileSync(file, ['{"a":1}', '', '{"a":2}', '  ', '{"a":3}', '{"a":4}', ''].join('\n'));

  it('cuts parts of non-blank lines and keeps each line number of the file', async () => {
    const parts = [];
    for await (const p of partsOf(file, 2)) parts.push(p);
    expect(parts).toEqual([
      { lines: ['{"a":1}', '{"a":2}'], fileLines: [1, 3] },
      { lines: ['{"a":3}', '{"a":4}'], fileLines: [5, 6] },
    ]);
  });

  it('names the import by the content and the part size (other sizes cut other parts)', async () => {
    const a = await fileImportId(file, 2);
    expect(a).toMatch(/^file-[0-9a-f]{24}-p2$/);
    expect(await fileImportId(file, 2)).toBe(a);
    expect(await fileImportId(file, 3)).not.toBe(a);
  });
});
