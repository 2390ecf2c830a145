/**
 * Hash routes (#/campaigns, #/campaigns/<id>, #/alerts, #/audience), so a static index.html serves
 * them all. Page state lives in the hash query (shareable, back button works); the key never does.
 */
export interface Route {
  page: 'campaigns' | 'campaign' | 'alerts' | 'audience' | 'deliverability' | 'sign-in';
  id: string | null;
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', qs = ''] = hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  const query = new URLSearchParams(qs);
  if (parts[0] === 'campaigns' && parts[1]) return { page: 'campaign', id: parts[1], query };
  if (parts[0] === 'alerts') return { page: 'alerts', id: null, query };
  if (parts[0] === 'audience') return { page: 'audience', id: null, query };
  if (parts[0] === 'deliverability') return { page: 'deliverability', id: null, query };
  if (parts[0] === 'sign-in') return { page: 'sign-in', id: null, query };
  return { page: 'campaigns', id: null, query };
}

export function href(page: string, id?: string | null, query?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return `#/${page}${id ? `/${encodeURIComponent(id)}` : ''}${s ? `?${s}` : ''}`;
}

/** Rewrites the hash query without adding a history entry or re-mounting the page. */
export function replaceQuery(query: Record<string, string | undefined>): void {
  const { page, id } = parseRoute(location.hash);
  const target = href(page === 'campaign' ? 'campaigns' : page, id, query);
  history.replaceState(null, '', target);
}
