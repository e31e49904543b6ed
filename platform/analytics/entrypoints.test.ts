/** The distributed-mode entrypoints of analytics and sentiment refuse to start without a shared backbone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEntrypoint, waitForOutput } from '../testing/process.ts';

describe('single-service entrypoints', () => {
  for (const entry of ['platform/analytics/main.ts', 'platform/sentiment/main.ts']) {
    it(`${entry} needs KAFKA_BROKERS`, async () => {
      const started = startEntrypoint(entry, { PORT: '0' });
      await waitForOutput(started, /KAFKA_BROKERS must be set/, 60_000);
      assert.equal(await started.exited, 2);
    });
  }
});
