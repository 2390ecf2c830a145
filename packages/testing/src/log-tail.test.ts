import { describe, expect, it } from 'vitest';
import { createLogTail } from './log-tail.ts';

describe('createLogTail', () => {
  it('keeps the last lines written, oldest first, without their newline', () => {
    const tail = createLogTail(2);
    for (const msg of ['first', 'second', 'third']) tail.destination.write(`{"msg":"${msg}"}\n`);
    expect(tail.lines()).toEqual(['{"msg":"second"}', '{"msg":"third"}']);
  });
});
