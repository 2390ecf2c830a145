/** The demo traffic and load generator: scenarios, provider payloads and signers, the runner. */
export type * from './actions.ts';
export { Rng, hash32 } from './rng.ts';
export {
  Audience,
  COUNTRIES,
  POOL_SIZES,
  poolNumber,
  poolAddresses,
  listPerson,
  type Country,
  type Person,
} from './people.ts';
export * from './plans.ts';
export { SCENARIOS, SCENARIO_NAMES, FLASH, seedTag, type Scenario, type Campaigns } from './scenarios.ts';
export { Timeline, type TimelineOptions } from './timeline.ts';
export { eventsPerSend } from './calibrate.ts';
export * from './wire.ts';
export { Runner, type RunOptions } from './runner.ts';
export type { RunStats, KindStats } from './stats.ts';
export * as twilio from './providers/twilio.ts';
export * as whatsapp from './providers/whatsapp.ts';
export * as vonage from './providers/vonage.ts';
export * as infobip from './providers/infobip.ts';
export { createHttpClient, type HttpClient, type HttpResponse } from './http.ts';
