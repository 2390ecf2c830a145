/**
 * The vocabulary of a timeline: what the demo does, as pure data. A scenario turns a seed into
 * actions; `wire/` turns an action into the exact HTTP request (bytes, signature); the runner
 * sends it. Every action says which canonical events ingest will publish for it (`expect`), so
 * tests can check the topic and the alert arithmetic without a server.
 */
import type { Channel, ClickClass, EventType, InboundEvent } from '@tally/events';

export type WebhookProvider = 'twilio' | 'whatsapp' | 'vonage' | 'infobip';

/** One canonical event ingest publishes for an action, with what the generator meant by it. */
export interface Expected {
  type: EventType;
  /** Event time (epoch ms). */
  at: number;
  channel: Channel;
  /** The campaign the event belongs to (directly or by SPEC §4 attribution), when it has one. */
  campaignId?: string | undefined;
  /** The recipient's address (E.164), when the event names one. */
  recipient?: string | undefined;
  messageId?: string | undefined;
  /** On a click: `bot` for a link preview, scanner or HEAD (ingest's classification). */
  clickClass?: ClickClass | undefined;
}

interface Base {
  /** When to send it: epoch ms. */
  at: number;
  expect: Expected[];
  /** A provider retry: the same request again (it publishes the same event ids again). */
  retry?: boolean;
}

/** `POST /v1/events`: what the sender's backend reports (sends, push and in-app, conversions, surveys). */
export interface EventsAction extends Base {
  kind: 'events';
  events: InboundEvent[];
}

export type WebhookBody =
  | { encoding: 'form'; params: [string, string][] }
  | { encoding: 'json'; json: Record<string, unknown> }
  | { encoding: 'query'; params: [string, string][] };

/** A provider callback to `/webhooks/<provider>/<tenant><query>`; `wire/` signs it. */
export interface WebhookAction extends Base {
  kind: 'webhook';
  provider: WebhookProvider;
  /** Query string of the callback URL, with its leading `?` (Twilio status callbacks carry the campaign here). */
  query: string;
  body: WebhookBody;
}

export interface LinkSpec {
  campaignId: string;
  messageId?: string;
  recipientId?: string;
  channel: Channel;
  url: string;
}

/** `POST /v1/links`: a tracked link minted for a message before it is sent. */
export interface MintAction extends Base {
  kind: 'mint';
  /** The generator's handle for the link; the runner maps it to the code ingest returns. */
  ref: string;
  link: LinkSpec;
  /** Whether a `follow` of this link comes later (the runner keeps the code only then). */
  followed: boolean;
}

/**
 * Who fetches a tracked link: the person on their phone, or a machine before them — an
 * iMessage-like or WhatsApp-like link preview, a URL scanner (a HEAD, then a GET).
 */
export const FOLLOW_AGENTS = ['phone', 'imessage', 'whatsapp', 'scanner', 'scanner_head'] as const;
export type FollowAgent = (typeof FOLLOW_AGENTS)[number];

/** `GET /c/:code` (or HEAD) of a minted link, without following the redirect. */
export interface FollowAction extends Base {
  kind: 'follow';
  ref: string;
  /** Who follows it (default: the person). */
  agent?: FollowAgent;
  /** Another follow of the same link comes later: the runner keeps its code. */
  keep?: boolean;
}

export type Action = EventsAction | WebhookAction | MintAction | FollowAction;
