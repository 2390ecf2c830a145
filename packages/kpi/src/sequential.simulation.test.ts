/**
 * The property the method exists for (issue 21): over many simulated A/A experiments — both arms
 * the same, so every "better" or "worse" is a false positive — looked at after every 50
 * observations up to 10,000, the share of experiments ever declared better or worse stays at or
 * under α (plus a Monte Carlo margin), while the fixed-horizon z-test looked at the same way
 * exceeds α by far. Seeded, so it is the same run every time.
 */
import { describe, expect, it } from 'vitest';
import { differenceCs, fixedHorizonDifference, type ArmSample } from './sequential.ts';

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUNS = 3000;
const PEEK_EVERY = 50;
const HORIZON = 10_000;
const LEVEL = 0.95;
const ALPHA = 1 - LEVEL;
/** Three binomial standard errors of a share α estimated from RUNS experiments (≈ 0.0119). */
const MARGIN = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS);

interface Outcome {
  sequential: number;
  fixed: number;
}

/**
 * Simulates RUNS A/A experiments; observations alternate between the arms; `draw` gives one
 * observation. Returns the share ever declared different by each test.
 */
function simulate(seed: number, runs: number, draw: (random: () => number) => number): Outcome {
  const random = rng(seed);
  let sequential = 0;
  let fixed = 0;
  for (let r = 0; r < runs; r += 1) {
    const arms: [ArmSample, ArmSample] = [
      { n: 0, sum: 0, sumSq: 0 },
      { n: 0, sum: 0, sumSq: 0 },
    ];
    let seqHit = false;
    let fixHit = false;
    for (let i = 1; i <= HORIZON; i += 1) {
      const arm = arms[i % 2] as ArmSample;
      const y = draw(random);
      arm.n += 1;
      arm.sum += y;
      arm.sumSq += y * y;
      if (i % PEEK_EVERY !== 0) continue;
      if (!seqHit) {
        const cs = differenceCs(arms[0], arms[1], { level: LEVEL, tuneAt: HORIZON });
        if (cs && (cs.difference.lower > 0 || cs.difference.upper < 0)) seqHit = true;
      }
      if (!fixHit) {
        const z = fixedHorizonDifference(arms[0], arms[1], 1.959964);
        if (z && (z.lower > 0 || z.upper < 0)) fixHit = true;
      }
      if (seqHit && fixHit) break;
    }
    if (seqHit) sequential += 1;
    if (fixHit) fixed += 1;
  }
  return { sequential: sequential / runs, fixed: fixed / runs };
}

describe('A/A simulation: peeking every 50 observations up to 10,000', () => {
  it(`a 5 % click-through rate, ${RUNS} experiments: always-valid ≤ α + ${MARGIN.toFixed(4)}, the z-test > α`, () => {
    const out = simulate(20_211, RUNS, (random) => (random() < 0.05 ? 1 : 0));
    expect(out.sequential).toBeLessThanOrEqual(ALPHA + MARGIN);
    expect(out.fixed).toBeGreaterThan(ALPHA + MARGIN);
  });

  it('revenue per delivered message (2 % convert, exponential value with mean 40): the same', () => {
    const out = simulate(7, 1000, (random) => (random() < 0.02 ? -40 * Math.log(1 - random()) : 0));
    expect(out.sequential).toBeLessThanOrEqual(ALPHA + 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / 1000));
    expect(out.fixed).toBeGreaterThan(ALPHA + 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / 1000));
  });
});
