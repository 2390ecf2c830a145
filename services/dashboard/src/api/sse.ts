/**
 * GET /v1/alerts/stream read with fetch() — EventSource cannot send an Authorization header, and
 * the key must not go into a URL. parseSse is the pure text/event-stream parser; openAlertStream
 * keeps one stream open, reconnecting with backoff, and reports its state.
 */
import { ApiError, type Api } from './client.ts';
import type { Transition } from './types.ts';

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/** Splits complete events off `buffer` (lines end in \n, \r\n or \r); `rest` is the unfinished tail. */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string } {
  const text = buffer.replace(/\r\n?/g, '\n');
  const blocks = text.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: SseEvent[] = [];
  for (const block of blocks) {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length > 0) events.push({ event, data: data.join('\n'), id });
  }
  return { events, rest };
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface AlertStreamOptions {
  api: Api;
  onTransition(t: Transition): void;
  /** Called on every (re)connection: what was missed in between is in GET /v1/alerts. */
  onConnected(): void;
  onState(state: StreamState): void;
}

async function readAll(res: Response, onEvent: (e: SseEvent) => void): Promise<void> {
  if (!res.body) throw new Error('stream without a body');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const parsed = parseSse(buffer + value);
    buffer = parsed.rest;
    for (const e of parsed.events) onEvent(e);
  }
}

export interface EventStreamOptions {
  api: Api;
  /** The stream's path and query (the key goes in a header, never in it). */
  path: string;
  onEvent(e: SseEvent): void;
  /** Called on every (re)connection: what was missed in between must be read again. */
  onConnected(): void;
  onState(state: StreamState): void;
}

/** Keeps one text/event-stream open, reconnecting with backoff (1 s doubling to 30 s); returns stop. */
export function openEventStream(opts: EventStreamOptions): () => void {
  const abort = new AbortController();
  let delay = 1000;
  let attempts = 0;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        attempts += 1;
        opts.onState(attempts === 1 ? 'connecting' : 'reconnecting');
        const res = await opts.api.stream(opts.path, abort.signal);
        opts.onState('live');
        opts.onConnected();
        delay = 1000;
        await readAll(res, (e) => opts.onEvent(e));
      } catch (err) {
        if (abort.signal.aborted || (err instanceof ApiError && err.status === 401)) break;
      }
      if (abort.signal.aborted) break;
      opts.onState('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
    opts.onState('stopped');
  };
  void run();
  return () => abort.abort();
}

export function openAlertStream(opts: AlertStreamOptions): () => void {
  return openEventStream({
    api: opts.api,
    path: '/v1/alerts/stream',
    onEvent: (e) => {
      if (e.event === 'transition') opts.onTransition(JSON.parse(e.data) as Transition);
    },
    onConnected: () => opts.onConnected(),
    onState: (s) => opts.onState(s),
  });
}
