import { describe, expect, it } from 'vitest';
import { shapeOf } from './shape.ts';

describe('shapeOf', () => {
  it('keeps the kind of each character, never the value', () => {
    expect(shapeOf('whatsapp:+15558001112')).toEqual({ shape: 'aaaaaaaa:+99999999999', length: 21 });
    expect(shapeOf('Brand_New 2')).toEqual({ shape: 'Aaaaa_Aaa 9', length: 11 });
    expect(shapeOf('ünïcode\u0000\n')).toEqual({ shape: '?a?aaaa??', length: 9 });
  });

  it('shapes at most `max` characters and gives the whole length', () => {
    expect(shapeOf('x'.repeat(100), 4)).toEqual({ shape: 'aaaa', length: 100 });
  });
});
