import { describe, expect, it } from 'vitest';
import { parseFieldArgs } from './field-args.ts';

describe('parseFieldArgs', () => {
  it('reads positionals and --name value / --name=value options', () => {
    expect(
      parseFieldArgs([
        'credentials',
        'set',
        'acme',
        'vonage',
        '--signature-secret',
        's=1',
        '--signature-method=sha512',
      ]),
    ).toEqual({
      positionals: ['credentials', 'set', 'acme', 'vonage'],
      values: { 'signature-secret': 's=1', 'signature-method': 'sha512' },
    });
  });
  it('refuses an option without a value', () => {
    expect(() => parseFieldArgs(['credentials', 'set', 'acme', 'twilio', '--auth-token'])).toThrow(
      '--auth-token needs a value',
    );
  });
});
