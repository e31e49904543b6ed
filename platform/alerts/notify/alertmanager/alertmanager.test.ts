import { loopbackAllowed } from '../../../net/config.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertmanagerWebhook } from '../../ingest/alertmanager.ts';
import { captureServer } from '../capture-server.ts';
import { testMessage } from '../test-message.ts';
import { alertmanagerChannel } from './alertmanager.ts';

describe('Alertmanager-compatible webhook (Keep and others)', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  before(async () => {
    server = await captureServer();
  });
  after(async () => {
    await server.close();
  });

  it('sends a version 4 payload that our own Alertmanager ingest accepts', async () => {
    await alertmanagerChannel(loopbackAllowed(), 'https://app.example').send(
      { type: 'alertmanager', url: `${server.url}/alerts/event/prometheus` },
      testMessage(),
      { idempotencyKey: 'k', signal: AbortSignal.timeout(5_000) },
    );
    const payload = alertmanagerWebhook.parse(server.requests.at(-1)!.json());
    assert.equal(payload.status, 'firing');
    assert.equal(payload.externalURL, 'https://app.example');
    assert.deepEqual(payload.commonLabels, {
      alertname: 'PostgresDown',
      service: 'db',
      cluster: 'eu',
      instance: 'db-0',
    });
    assert.equal(payload.alerts[0]?.fingerprint, 'f1');
  });
});
