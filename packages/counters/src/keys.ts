/**
 * The only module that spells Redis keys. Grammar (P = configurable prefix, T = tenant,
 * C = campaign, M = message id):
 *
 *   P:c:{T:C}:counts     hash   lifetime counts of campaign C (field = CountName)
 *   P:c:{T:C}:money      hash   cost:<CUR> / revenue:<CUR> in integer ten-thousandths
 *   P:c:{T:C}:meta       hash   channel, firstAt (ms)
 *   P:c:{T:C}:optouts    set    recipients that opted out, attributed to C
 *   P:c:{T:C}:uninstalls set    recipients that uninstalled, attributed to C
 *   P:c:{T:C}:seen:<id>  string dedupe marker of a per-event effect without a message (TTL)
 *   P:m:{T:M}            hash   per-message state: c (campaign), s (status bits), k (bits counted
 *                               into the campaign), e:<eventId> (per-event dedupe), p:* (effects
 *                               parked until the campaign is known) — TTL refreshed on write
 *   P:t:{T}:campaigns    zset   the tenant's campaigns, scored by first event time (ms)
 *   P:t:{T}:unattributed hash   events with neither campaign nor message, counted by type
 *   P:t:{T}:seen:<id>    string dedupe marker of an unattributed event (TTL)
 *   P:dirty              set    "T\u0000C" of campaigns changed since the last snapshot
 *
 * Every campaign key carries the `{T:C}` hash tag so a campaign's keys share one Redis Cluster slot.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  campaignTag(tenant: string, campaign: string): string {
    return `${this.prefix}:c:{${tenant}:${campaign}}`;
  }
  counts(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:counts`;
  }
  money(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:money`;
  }
  meta(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:meta`;
  }
  campaigns(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}:campaigns`;
  }
  unattributed(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}:unattributed`;
  }
  dirty(): string {
    return `${this.prefix}:dirty`;
  }
}

export const DIRTY_SEPARATOR = '\u0000';
