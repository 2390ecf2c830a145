/**
 * The state's view of an accepted event: only what attribution and counting use, times in epoch ms,
 * money in integer ten-thousandths. Per-event effects are deduplicated by `idh`, a 64-bit digest
 * of the event id (11 characters instead of the id's up to 200; a collision within one message or
 * recipient would need ~4 billion events there).
 */
import { hash } from 'node:crypto';
import type { CanonicalEvent, Channel, EventType } from '@tally/events';
import { toMoneyUnits } from '@tally/kpi';

export interface Money {
  /** Integer ten-thousandths of the currency unit (exact: amounts have at most 4 decimals). */
  u: number;
  cur: string;
}

export interface Ev {
  id: string;
  /** The digest of `id`, computed on first use (idhOf). */
  idh?: string;
  tenant: string;
  type: EventType;
  t: number;
  /** When ingest published it (the Kafka record timestamp). */
  arrival: number;
  channel: Channel;
  campaign?: string | undefined;
  message?: string | undefined;
  recipient?: string | undefined;
  segment?: string | undefined;
  variant?: string | undefined;
  sender?: string | undefined;
  country?: string | undefined;
  errorCode?: string | undefined;
  /** A failure's class and whether it is permanent (issue 20): `failed` only. */
  failureClass?: string | undefined;
  permanent?: boolean | undefined;
  /** The mobile network as MCC-MNC, when the provider's receipt names it. */
  carrier?: string | undefined;
  provider?: string | undefined;
  cost?: Money | undefined;
  value?: Money | undefined;
  score?: number | undefined;
  /** A `clicked` classified `bot` (a preview, scanner, HEAD or prefetch): counted apart. */
  bot?: true | undefined;
  /** The import that carried it (issue 22): late by the tenant's backfill window, not its horizon. */
  importId?: string | undefined;
}

export function digest(id: string): string {
  return hash('sha1', id, 'base64url').slice(0, 11);
}

function money(m: CanonicalEvent['cost']): Money | undefined {
  return m ? { u: toMoneyUnits(m.amount), cur: m.currency } : undefined;
}

export function toEv(e: CanonicalEvent, arrival: number): Ev {
  return {
    id: e.eventId,
    tenant: e.tenantId,
    type: e.type,
    t: Date.parse(e.occurredAt),
    arrival,
    channel: e.channel,
    campaign: e.campaignId,
    message: e.messageId,
    recipient: e.recipientId,
    segment: e.segment,
    variant: e.variant,
    sender: e.sender,
    country: e.country,
    errorCode: e.errorCode,
    failureClass: e.failureClass,
    permanent: e.permanent,
    carrier: e.carrier,
    provider: e.provider,
    cost: money(e.cost),
    value: e.type === 'converted' ? money(e.value) : undefined,
    score: e.score,
    bot: e.clickClass === 'bot' ? true : undefined,
    importId: e.importId,
  };
}

/** The event's digest, computed once (most events never need it: only per-event effects do). */
export function idhOf(e: Ev): string {
  e.idh ??= digest(e.id);
  return e.idh;
}

/** Per-tenant windows (SPEC §4) and the late-data horizon, in ms. */
export interface TenantWindows {
  replyMs: number;
  clickMs: number;
  deliveredMs: number;
  horizonMs: number;
  /**
   * The backfill window B (issue 22, `tenant_attribution.backfill_s`, default 90 days): an
   * imported event is late only when it arrived more than B after it happened. Never below H.
   */
  backfillMs?: number | undefined;
  /**
   * True while the tenant has an open import: its state is then kept for B instead of H
   * (retention, tombstones, late markers), so no imported event finds its message retired.
   */
  importing?: boolean | undefined;
}

export const DEFAULT_TENANT_WINDOWS: TenantWindows = {
  replyMs: 72 * 3600_000,
  clickMs: 5 * 86_400_000,
  deliveredMs: 86_400_000,
  horizonMs: 7 * 86_400_000,
};

/** The default backfill window: 90 days (within the 92 days a recipient record is kept). */
export const DEFAULT_BACKFILL_MS = 90 * 86_400_000;

/** How long an event may arrive after it happened, or before (clock skew), and still count. */
export const FUTURE_SKEW_MS = 86_400_000;

/** B: the tenant's backfill window, never shorter than its horizon. */
export function backfillMs(w: TenantWindows): number {
  return Math.max(w.horizonMs, w.backfillMs ?? DEFAULT_BACKFILL_MS);
}

/**
 * How long after it happened an event may arrive: H, or B for an imported one. A function of the
 * event and the tenant's settings only (not of whether an import is open when it is applied), so
 * a replay after a rebuild decides it the same way.
 */
export function lateAfterMs(e: Pick<Ev, 'importId'>, w: TenantWindows): number {
  return e.importId === undefined ? w.horizonMs : backfillMs(w);
}

export function isLate(e: Pick<Ev, 't' | 'arrival' | 'importId'>, w: TenantWindows): boolean {
  return e.arrival - e.t > lateAfterMs(e, w) || e.t - e.arrival > FUTURE_SKEW_MS;
}

/**
 * The horizon retirement keeps state for: H, or B while the tenant has an open import (what an
 * imported event may still touch must not retire under it).
 */
export function keepHorizonMs(w: TenantWindows): number {
  return w.importing ? backfillMs(w) : w.horizonMs;
}

/** How long after its newest event a message's state is kept: every window, plus the kept horizon. */
export function messageRetentionMs(w: TenantWindows): number {
  return Math.max(w.replyMs, w.clickMs, w.deliveredMs) + keepHorizonMs(w);
}
