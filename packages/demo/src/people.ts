/**
 * The demo's audience: people with E.164 numbers in ranges reserved for drama and testing where a
 * country has one (Ofcom 07700 900xxx, ARCEP 06 39 98, the Berlin 030 23125 block, the US 555
 * exchange), so no real phone is ever addressed. Numbers are spelled exactly as ingest normalizes
 * them, so a person has one pseudonym from every source. Pure apart from the suppression list the
 * scenario keeps (who opted out of which channel).
 */
import type { Channel } from '@tally/events';
import { hash32, type Rng } from './rng.ts';

export const COUNTRIES = ['US', 'GB', 'FR', 'DE', 'CH'] as const;
export type Country = (typeof COUNTRIES)[number];

export interface Person {
  /** E.164, e.g. +447700900123. */
  address: string;
  country: Country;
  /** Never opens, clicks or replies: the silently disengaged. */
  dormant: boolean;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Number of the `i`-th pool person of a country (US +1 555 7…; flash lists use +1 555 8…). */
export function poolNumber(country: Country, i: number): string {
  switch (country) {
    case 'US':
      return `+15557${pad(i, 6)}`;
    case 'GB':
      return `+447700900${pad(i, 3)}`;
    case 'FR':
      return `+3363998${pad(i, 4)}`;
    case 'DE':
      return `+493023125${pad(i, 3)}`;
    case 'CH':
      return `+4179000${pad(i, 4)}`;
  }
}

/** How many pool people each country has (GB and DE ranges hold 1,000 numbers; 990–999 are senders). */
export const POOL_SIZES: Record<Country, number> = { US: 1800, GB: 750, FR: 750, DE: 600, CH: 450 };

/** Every pool person's address (the regular audience). */
export function poolAddresses(): string[] {
  return COUNTRIES.flatMap((c) => Array.from({ length: POOL_SIZES[c] }, (_, i) => poolNumber(c, i)));
}

const isDormant = (address: string) => hash32(address) % 5 === 0;

export function person(country: Country, address: string): Person {
  return { address, country, dormant: isDormant(address) };
}

/** Opt-out windows: a person opted out of a channel at `from`, and back in at `until` (or never). */
interface Suppression {
  from: number;
  until: number;
}

export class Audience {
  private readonly suppressed = new Map<string, Suppression>();

  /**
   * Someone from `countries` who has not opted out of `channel` at `at`, or undefined after a few
   * tries. Draws favour low indices (x = u^2.2), so some people get many messages and most get
   * few — the frequency and silent-disengagement views need both.
   */
  draw(rng: Rng, countries: readonly Country[], channel: Channel, at: number): Person | undefined {
    for (let attempt = 0; attempt < 6; attempt++) {
      const country = rng.weighted(countries.map((c) => [c, POOL_SIZES[c]] as const));
      const i = Math.floor(POOL_SIZES[country] * rng.next() ** 2.2);
      const p = person(country, poolNumber(country, i));
      if (!this.isSuppressed(channel, p, at)) return p;
    }
    return undefined;
  }

  /** `p` opts out of `channel` at `from` (and back in at `until`). */
  suppress(channel: Channel, p: Person, from: number, until = Infinity): void {
    this.suppressed.set(`${channel}|${p.address}`, { from, until });
  }

  isSuppressed(channel: Channel, p: Person, at: number): boolean {
    const s = this.suppressed.get(`${channel}|${p.address}`);
    return s !== undefined && s.from <= at && at < s.until;
  }
}

/** The `k`-th person of a fresh list (a flash campaign's bought list): US numbers outside the pool. */
export function listPerson(block: number, k: number): Person {
  return person('US', `+15558${pad((block + k) % 1_000_000, 6)}`);
}
