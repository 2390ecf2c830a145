/** Loading, empty and error states that say what happened and what to do next. */
import { ApiError } from '../api/client.ts';
import { h, type Child } from './dom.ts';

export function loading(what: string): HTMLElement {
  return h('p', { class: 'state loading', role: 'status' }, `Loading ${what}…`);
}

export function empty(title: string, ...what: Child[]): HTMLElement {
  return h(
    'div',
    { class: 'state empty-state', 'data-testid': 'empty' },
    h('strong', {}, title),
    h('p', {}, what),
  );
}

/** What an error means for the person looking at the page. */
export function explain(err: unknown): { title: string; advice: string } {
  if (err instanceof ApiError) {
    if (err.code === 'rebuilding')
      return {
        title: 'Rebuilding',
        advice:
          'The aggregator is rebuilding its state from Postgres snapshots and Kafka; figures come back by themselves in a moment.',
      };
    if (err.status === 429)
      return {
        title: 'Rate limited',
        advice: `Too many requests for this tenant; retrying in ${err.retryAfterS ?? 60} s.`,
      };
    if (err.status === 404)
      return { title: 'Not found', advice: `${err.message}. Check the campaign id, or go back to the list.` };
    if (err.status === 400) return { title: 'Not accepted', advice: err.message };
    if (err.status >= 500)
      return {
        title: 'The API failed',
        advice: `${err.message}. Check query-api's log (.tally/logs/query-api.log); retrying.`,
      };
    return { title: 'Request failed', advice: err.message };
  }
  return {
    title: 'Cannot reach query-api',
    advice: 'Is the stack running? Start it with ./tally up; the page retries by itself.',
  };
}

export function errorState(err: unknown): HTMLElement {
  const { title, advice } = explain(err);
  const rebuilding = err instanceof ApiError && err.code === 'rebuilding';
  return h(
    'div',
    {
      class: `state ${rebuilding ? 'rebuilding' : 'error'}`,
      role: 'alert',
      'data-testid': rebuilding ? 'rebuilding' : 'error',
    },
    h('strong', {}, title),
    h('p', {}, advice),
  );
}
