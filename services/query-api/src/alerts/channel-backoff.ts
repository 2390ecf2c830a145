/**
 * Channels this replica leaves alone for a while after it could not reach them for a local reason
 * (failure.ts), so another replica takes their deliveries. Per replica, in memory: the backoff
 * doubles with each refusal in a row (base … max, ±20%) and ends when the replica reaches the
 * channel again. Pure apart from its state: `now` and `random` are passed in.
 */
import { backoffMs } from './backoff.ts';

export class ChannelBackoff {
  private readonly channels = new Map<string, { refusals: number; until: number }>();

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Records a local refusal of the channel; returns how long it is left alone. */
  refuse(channelId: string, now: number, random: number): number {
    const refusals = (this.channels.get(channelId)?.refusals ?? 0) + 1;
    const ms = backoffMs(refusals, this.baseMs, this.maxMs, random);
    this.channels.set(channelId, { refusals, until: now + ms });
    return ms;
  }

  /** The channel was reached (whatever it answered): no more backoff. */
  reached(channelId: string): void {
    this.channels.delete(channelId);
  }

  /**
   * The channels still left alone at `now`. A channel not refused again for `maxMs` after its
   * backoff ended is forgotten (its count starts over), so the map stays as small as the set of
   * channels this replica cannot reach.
   */
  blocked(now: number): string[] {
    const out: string[] = [];
    for (const [id, c] of this.channels) {
      if (c.until > now) out.push(id);
      else if (c.until + this.maxMs <= now) this.channels.delete(id);
    }
    return out;
  }
}
