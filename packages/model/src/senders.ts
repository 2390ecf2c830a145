/**
 * Semantics §3 "Senders": per sending number or id, across campaigns, the sent / delivered /
 * failed first occurrences of its messages and the distinct recipients that opted out of them.
 */
import { recipientKey } from './campaigns.ts';
import { statusTimes } from './message-figures.ts';
import type { MessageView } from './message-figures.ts';
import { bumpMinute, child } from './records.ts';
import type { SenderModel } from './types.ts';

const SENDER_STATUSES = new Set(['sent', 'delivered', 'failed']);

function emptySender(): SenderModel {
  return { minutes: {} };
}

/**
 * DECISION: only messages with a known campaign count here — a message whose campaign is unknown
 * "counts nowhere yet" (semantics §1), the sender figures included.
 */
export function buildSenders(views: readonly MessageView[]): Record<string, SenderModel> {
  const out: Record<string, SenderModel> = {};
  const optOutFirsts = new Map<string, Map<string, number>>();
  for (const v of views) {
    const sender = v.message.sender;
    if (sender === undefined || v.message.campaign === undefined) continue;
    const s = child(out, sender, emptySender);
    for (const [status, t] of statusTimes(v)) {
      if (SENDER_STATUSES.has(status)) bumpMinute(s.minutes, t, status);
    }
    const firsts = optOutFirsts.get(sender) ?? new Map<string, number>();
    optOutFirsts.set(sender, firsts);
    for (const e of [...v.message.own, ...v.attached]) {
      if (e.type !== 'opted_out') continue;
      const key = recipientKey(e, v.message);
      firsts.set(key, Math.min(firsts.get(key) ?? Infinity, e.t));
    }
  }
  for (const [sender, firsts] of optOutFirsts) {
    const s = child(out, sender, emptySender);
    for (const t of firsts.values()) bumpMinute(s.minutes, t, 'optOuts');
  }
  return out;
}
