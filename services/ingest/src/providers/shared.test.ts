import { describe, expect, it } from 'vitest';
import { parseCampaignRef } from './campaign-ref.ts';
import { classifyBody } from './keywords.ts';

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'opt_out'],
    [' Stop ', 'opt_out'],
    ['stop!', 'opt_out'],
    ['"Unsubscribe."', 'opt_out'],
    ['opt out', 'opt_out'],
    ['Opt-Out', 'opt_out'],
    ['stopall', 'opt_out'],
    ['quit', 'opt_out'],
    ['start', 'opt_in'],
    ['Yes', 'opt_in'],
    ['UNSTOP', 'opt_in'],
    ['help', 'help'],
    ['info?', 'help'],
    ['please stop texting me', 'other'],
    ['Is this still on?', 'other'],
    ['', 'other'],
  ])('%j → %s', (body, intent) => expect(classifyBody(body)).toBe(intent));
});

describe('campaign references', () => {
  it('reads a bare id or campaign=…&segment=…&variant=…', () => {
    expect(parseCampaignRef('ch_promo')).toEqual({ campaignId: 'ch_promo' });
    expect(parseCampaignRef('campaign=uk_winter&variant=A')).toEqual({
      campaignId: 'uk_winter',
      variant: 'A',
    });
    expect(parseCampaignRef('campaign=c&segment=lapsed+users&variant=B')).toEqual({
      campaignId: 'c',
      segment: 'lapsed users',
      variant: 'B',
    });
    expect(parseCampaignRef(undefined)).toEqual({});
    expect(parseCampaignRef('has space')).toEqual({});
  });
});
