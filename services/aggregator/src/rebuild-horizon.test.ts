import { describe, expect, it } from 'vitest';
import { rebuildNeeds } from './rebuild-horizon.ts';

const mark = (partition: number, low: number, high: number) => ({ partition, low, high });

describe('rebuildNeeds', () => {
  it('needs nothing from a partition snapshotted at its end', () => {
    expect(rebuildNeeds(new Map([[0, 10]]), [mark(0, 0, 10)])).toEqual({ missingRecords: 0, needed: [] });
  });

  it('replays from the snapshotted offset, or from the start where no snapshot holds the partition', () => {
    expect(rebuildNeeds(new Map([[0, 4]]), [mark(0, 0, 10), mark(1, 0, 3), mark(2, 0, 0)])).toEqual({
      missingRecords: 0,
      needed: [
        { partition: 0, offset: 4 },
        { partition: 1, offset: 0 },
      ],
    });
  });

  it('counts the records Kafka deleted before a snapshot held them', () => {
    expect(
      rebuildNeeds(
        new Map([
          [0, 4],
          [1, 7],
        ]),
        [mark(0, 6, 10), mark(1, 9, 9), mark(2, 2, 5)],
      ),
    ).toEqual({
      missingRecords: 2 + 2 + 2,
      needed: [
        { partition: 0, offset: 6 },
        { partition: 2, offset: 2 },
      ],
    });
  });
});
