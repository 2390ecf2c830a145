import { describe, expect, it } from 'vitest';
import { recordKey } from './index.ts';

describe('recordKey', () => {
  const base = { tenantId: 'acme', eventId: 'e1' };

  it('keys by recipient whenever it is known, whatever else the event names', () => {
    expect(recordKey({ ...base, recipientId: 'r_abc', messageId: 'SM1' })).toBe('acme r r_abc');
    expect(recordKey({ ...base, recipientId: 'r_abc' })).toBe('acme r r_abc');
  });

  it('falls back to the message, then to the event id', () => {
    expect(recordKey({ ...base, messageId: 'SM1' })).toBe('acme m SM1');
    expect(recordKey(base)).toBe('acme e e1');
  });

  it('keeps tenants and key kinds apart', () => {
    const keys = [
      recordKey({ ...base, recipientId: 'x' }),
      recordKey({ ...base, messageId: 'x' }),
      recordKey({ ...base, eventId: 'x' }),
      recordKey({ ...base, tenantId: 'globex', recipientId: 'x' }),
    ];
    expect(keys).toEqual(['acme r x', 'acme m x', 'acme e x', 'globex r x']);
  });
});
