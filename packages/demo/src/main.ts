/**
 * The demo traffic and load generator: `node packages/demo/dist/main.js` after `pnpm build` (./tally up
 * runs it against the demo tenant). Validates its config, unrolls the scenario in real time
 * through ingest's front door, prints a KPI line every 5 s (or one JSON summary with --json), and
 * stops cleanly on SIGINT/SIGTERM or after --duration.
 */
import { randomBytes } from 'node:crypto';
import { eventsPerSend } from './calibrate.ts';
import { parseDemoConfig, USAGE, type DemoConfig } from './config.ts';
import { setUpGlobalControl } from './global-control.ts';
import { kpiLine } from './kpi-line.ts';
import { Runner } from './runner.ts';
import { SCENARIOS } from './scenarios.ts';
import { Timeline } from './timeline.ts';
import type { Target } from './wire.ts';

function target(c: DemoConfig): Target {
  return {
    tenant: c.TENANT,
    apiKey: c.API_KEY,
    publicBaseUrl: c.PUBLIC_BASE_URL,
    credentials: {
      twilio: { authToken: c.DEMO_TWILIO_AUTH_TOKEN },
      whatsapp: { appSecret: c.DEMO_WHATSAPP_APP_SECRET, verifyToken: c.DEMO_WHATSAPP_VERIFY_TOKEN },
      vonage: {
        signatureSecret: c.DEMO_VONAGE_SIGNATURE_SECRET,
        signatureMethod: c.DEMO_VONAGE_SIGNATURE_METHOD,
      },
      infobip: { secret: c.DEMO_INFOBIP_SECRET, authMode: c.DEMO_INFOBIP_AUTH_MODE },
    },
  };
}

async function main(): Promise<number> {
  let config: DemoConfig;
  try {
    config = parseDemoConfig(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const scenario = SCENARIOS[config.DEMO_SCENARIO];
  if (!scenario) return 2;
  let globalControl: Set<string> | undefined;
  if (config.DEMO_GLOBAL_CONTROL_SHARE > 0 && config.QUERY_URL) {
    try {
      globalControl = await setUpGlobalControl({
        ingestUrl: config.INGEST_URL,
        queryUrl: config.QUERY_URL,
        apiKey: config.API_KEY,
        share: config.DEMO_GLOBAL_CONTROL_SHARE,
      });
      console.error(
        `[demo] global control group: ${globalControl.size} of the pool held out of every campaign`,
      );
    } catch (err) {
      console.error(`[demo] no global control group (${(err as Error).message}); sending to everyone`);
    }
  }
  const startMs = Date.now();
  const durationMs = config.DEMO_DURATION_S > 0 ? config.DEMO_DURATION_S * 1000 : undefined;
  const timeline = new Timeline(scenario, {
    seed: config.DEMO_SEED ?? randomBytes(6).toString('hex'),
    startMs,
    sendsPerSecond: config.DEMO_RATE / eventsPerSend(scenario),
    durationMs,
    spikeEveryMs: config.DEMO_SPIKE_EVERY_S === undefined ? undefined : config.DEMO_SPIKE_EVERY_S * 1000,
    globalControl,
  });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const runner = new Runner(timeline, {
    ingestUrl: config.INGEST_URL,
    target: target(config),
    stopAt: durationMs === undefined ? undefined : startMs + durationMs,
    concurrency: config.DEMO_CONCURRENCY,
    signal: abort.signal,
    onProblem: (m) => console.error(`[demo] ${m}`),
  });
  const report = config.DEMO_JSON
    ? undefined
    : setInterval(
        () => void kpiLine(config.QUERY_URL, config.API_KEY, runner.snapshot()).then((l) => console.log(l)),
        5000,
      );
  try {
    const stats = await runner.run();
    if (config.DEMO_JSON)
      console.log(JSON.stringify({ scenario: scenario.name, rate: config.DEMO_RATE, ...stats }));
    else console.log(await kpiLine(config.QUERY_URL, config.API_KEY, stats));
    return stats.refused + stats.errors > 0 ? 1 : 0;
  } finally {
    if (report) clearInterval(report);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
