/**
 * The status-bit algebra of a message (docs/semantics.md §1, §3): which bits an event sets on its
 * own message and on a message it is attributed to, and which counts a set of bits makes. The one
 * place these facts are written; nothing else spells a bit.
 */
import type { EventType } from '@tally/events';

export const BIT = {
  sent: 1,
  delivered: 2,
  failed: 4,
  opened: 8,
  clicked: 16,
  replied: 32,
  converted: 64,
} as const;
export type StatusName = keyof typeof BIT;
export const STATUS_NAMES = Object.keys(BIT) as StatusName[];

const S = BIT.sent;
const D = BIT.delivered;

/** Bits an event sets on the message it names (its own message). */
export const OWN_BITS: Readonly<Record<EventType, number>> = {
  sent: S,
  delivered: S | D,
  failed: S | BIT.failed,
  opened: S | D | BIT.opened,
  clicked: S | D | BIT.clicked,
  replied: S | D | BIT.replied,
  converted: S | BIT.converted,
  opted_out: 0,
  opted_in: 0,
  uninstalled: 0,
  feature_adopted: 0,
  survey_answered: 0,
  held_out: 0,
};

/** Bits a recipient-level event sets on the message it is attributed to. */
export const ATTACHED_BITS: Readonly<Record<EventType, number>> = {
  ...OWN_BITS,
  sent: 0,
  delivered: 0,
  failed: 0,
  opened: 0,
};

/** The bits an own event sets: its type's, none for a bot click (a preview or scanner). */
export function ownBitsOf(type: EventType, bot: boolean | undefined): number {
  return bot ? 0 : OWN_BITS[type];
}

/** The bits an attributed event sets: its type's, none for a bot click. */
export function attachedBitsOf(type: EventType, bot: 1 | boolean | undefined): number {
  return bot ? 0 : ATTACHED_BITS[type];
}

/** The bits that count: failed only while never delivered. */
export function effectiveBits(bits: number): number {
  return bits & D ? bits & ~BIT.failed : bits;
}

export function has(bits: number, name: StatusName): boolean {
  return (bits & BIT[name]) !== 0;
}

/** A message that only failed reaches nobody (SPEC §4.3). */
export function reachable(ownBits: number): boolean {
  return (ownBits & S) !== 0 && !((ownBits & BIT.failed) !== 0 && (ownBits & D) === 0);
}
