import { describe, expect, it } from 'vitest';
import { actorOf, table } from './keys.ts';

describe('key commands', () => {
  it('name the actor: --actor, else TALLY_ACTOR, else user@host', () => {
    expect(actorOf('ops@acme', { TALLY_ACTOR: 'ci' })).toBe('ops@acme');
    expect(actorOf(undefined, { TALLY_ACTOR: ' ci ' })).toBe('ci');
    expect(actorOf(undefined, {})).toMatch(/^.+@.+$/);
  });

  it('print aligned columns', () => {
    expect(
      table(
        ['ID', 'PREFIX'],
        [
          ['1', 'tly_abcd…'],
          ['12', 'tly_x…'],
        ],
      ),
    ).toEqual(['ID  PREFIX', '1   tly_abcd…', '12  tly_x…']);
  });
});
