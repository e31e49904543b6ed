import { loopbackAllowed } from '../../../net/config.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { captureServer } from '../capture-server.ts';
import { testMessage } from '../test-message.ts';
import { slackChannel } from './slack.ts';

describe('Slack incoming-webhook channel', () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  before(async () => {
    server = await captureServer();
  });
  after(async () => {
    await server.close();
  });

  it('sends mrkdwn text with links and a severity colour; resolved is green', async () => {
    const ctx = { idempotencyKey: 'k', signal: AbortSignal.timeout(5_000) };
    await slackChannel(loopbackAllowed()).send(
      { type: 'slack', url: `${server.url}/services/T/B/X`, channel: '#oncall' },
      testMessage(),
      ctx,
    );
    const body = server.requests.at(-1)!.json() as {
      channel: string;
      text: string;
      attachments: { color: string; text: string }[];
    };
    assert.equal(body.channel, '#oncall');
    assert.equal(body.text, '[PAGE] P1 PostgresDown on db');
    assert.equal(body.attachments[0]!.color, '#d00000');
    assert.match(body.attachments[0]!.text, /<https:\/\/app\.example\/runbooks\/instance-down\.md\|Runbook>/);
    await slackChannel(loopbackAllowed()).send(
      { type: 'slack', url: `${server.url}/x` },
      testMessage({ kind: 'resolved' }),
      ctx,
    );
    assert.equal(
      (server.requests.at(-1)!.json() as { attachments: { color: string }[] }).attachments[0]?.color,
      '#2a9d8f',
    );
  });
});
