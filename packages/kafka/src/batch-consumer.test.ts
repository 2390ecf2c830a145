import { describe, expect, it } from 'vitest';
import { createRestartPolicy } from './batch-consumer.ts';

const loading = { name: 'KafkaJSNonRetriableError' }; // a retriable protocol error kafkajs bailed on
const exhausted = { name: 'KafkaJSNumberOfRetriesExceeded' };

describe('createRestartPolicy', () => {
  it('never restarts after every retry failed: the process exits and is restarted whole', () => {
    expect(createRestartPolicy(3).shouldRestart(exhausted)).toBe(false);
  });

  it('restarts a transient failure up to the bound in a row, and a group join starts the count again', () => {
    const policy = createRestartPolicy(2);
    expect([
      policy.shouldRestart(loading),
      policy.shouldRestart(loading),
      policy.shouldRestart(loading),
    ]).toEqual([true, true, false]);
    policy.joined();
    expect(policy.shouldRestart(loading)).toBe(true);
  });
});
