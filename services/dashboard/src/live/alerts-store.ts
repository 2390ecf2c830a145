/**
 * The firing alerts every page shows (nav badge, campaign list badges), kept live by the alert
 * stream: a transition updates the set at once, then one GET /v1/alerts?state=firing confirms it.
 * Listeners (the alerts page) hear every transition.
 */
import type { Api } from '../api/client.ts';
import { openAlertStream, type StreamState } from '../api/sse.ts';
import type { Alert, Transition } from '../api/types.ts';

export interface AlertsStore {
  firing(): Alert[];
  state(): StreamState;
  /** Called on every change of the firing set, of the stream state, and on each transition. */
  subscribe(fn: (t: Transition | null) => void): () => void;
  stop(): void;
}

export function createAlertsStore(api: Api): AlertsStore {
  let firing: Alert[] = [];
  let state: StreamState = 'connecting';
  const listeners = new Set<(t: Transition | null) => void>();
  const emit = (t: Transition | null) => {
    for (const l of listeners) l(t);
  };
  let refetchTimer: ReturnType<typeof setTimeout> | undefined;
  const refetch = () => {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => {
      api.get<{ alerts: Alert[] }>('/v1/alerts', { state: 'firing', limit: 500 }).then(
        (r) => {
          firing = r.alerts;
          emit(null);
        },
        () => undefined,
      );
    }, 150);
  };
  const stopStream = openAlertStream({
    api,
    onConnected: refetch,
    onState: (s) => {
      state = s;
      emit(null);
    },
    onTransition: (t) => {
      firing = firing.filter((a) => a.id !== t.alert.id);
      if (t.alert.state === 'firing') firing = [t.alert, ...firing];
      emit(t);
      refetch();
    },
  });
  // The stream is the live path; a slow poll only repairs a connection that died silently.
  const safety = setInterval(refetch, 30_000);
  return {
    firing: () => firing,
    state: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop() {
      clearInterval(safety);
      clearTimeout(refetchTimer);
      stopStream();
      listeners.clear();
    },
  };
}
