/**
 * The demo tenant's global control group (issue 21): at start the generator sets the tenant's
 * share (PUT /v1/experiment-settings on query-api) and asks ingest which of its pool people are
 * members (POST /v1/global-control/check, 1,000 addresses a request), as a sender would before a
 * send. The timeline then holds those people out of every campaign (a `held_out` per campaign, and
 * the purchases they make anyway), so the Value page's lift against the group shows a real
 * figure. Membership is a hash of the pseudonym, which only ingest can compute; pool addresses are
 * E.164 and normalize to the same pseudonym on every channel, so one check (as `sms`) serves all.
 * The flash series' bought lists are not checked (a few of their people are members and are
 * messaged anyway: the demo's group is slightly diluted, which understates the lift).
 */
import { poolAddresses } from './people.ts';

const CHECK_BATCH = 1000;

export interface GlobalControlSetup {
  ingestUrl: string;
  queryUrl: string;
  apiKey: string;
  share: number;
}

async function call(url: string, method: string, apiKey: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${method} ${new URL(url).pathname} answered ${res.status}`);
  return res.json();
}

/** Sets the share and answers the pool people in the group. */
export async function setUpGlobalControl(s: GlobalControlSetup): Promise<Set<string>> {
  await call(`${s.queryUrl}/v1/experiment-settings`, 'PUT', s.apiKey, { globalControl: { share: s.share } });
  const addresses = poolAddresses();
  const members = new Set<string>();
  for (let i = 0; i < addresses.length; i += CHECK_BATCH) {
    const batch = addresses.slice(i, i + CHECK_BATCH);
    const answer = (await call(`${s.ingestUrl}/v1/global-control/check`, 'POST', s.apiKey, {
      channel: 'sms',
      addresses: batch,
    })) as { members: boolean[] };
    batch.forEach((a, k) => {
      if (answer.members[k]) members.add(a);
    });
  }
  return members;
}
