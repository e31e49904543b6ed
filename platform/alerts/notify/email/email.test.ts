import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { PermanentDeliveryError } from '../channel.ts';
import { testMessage } from '../test-message.ts';
import { smtpSettings } from './config.ts';
import { AddressPolicy } from '../../../net/address-policy.ts';
import { loopbackAllowed } from '../../../net/config.ts';
import { emailChannel } from './email.ts';

interface Mail {
  from: string;
  to: string[];
  data: string;
}

describe('email over SMTP (nodemailer against a real smtp-server on loopback)', () => {
  const mails: Mail[] = [];
  let server: SMTPServer;
  let port: number;

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@bounce.example'))
          callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        else callback();
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString();
        });
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((r) => {
      server.close(() => {
        r();
      });
    });
  });

  it('sends the rendered page in the recipient language, with a Message-ID from the idempotency key', async () => {
    const channel = emailChannel(
      loopbackAllowed(),
      smtpSettings.parse({ host: '127.0.0.1', port, from: 'InsiteChart <oncall@insitechart.example>' }),
    );
    const ctx = { idempotencyKey: 'inc-1:0.0:alice:email#0', signal: AbortSignal.timeout(5_000) };
    await channel.send({ type: 'email', to: 'alice@example.com' }, testMessage({ language: 'de' }), ctx);
    await channel.send({ type: 'email', to: 'alice@example.com' }, testMessage({ language: 'de' }), ctx);
    channel.close();
    assert.equal(mails.length, 2);
    const a = mails[0]!;
    const b = mails[1]!;
    assert.deepEqual(a.to, ['alice@example.com']);
    assert.equal(a.from, 'oncall@insitechart.example');
    assert.match(a.data, /Subject: \[ALARM\] P1 PostgresDown on db/);
    assert.match(a.data, /X-Idempotency-Key: inc-1:0.0:alice:email#0/);
    const id = (m: Mail): string | undefined => /Message-ID: (<[^>]+>)/i.exec(m.data)?.[1];
    assert.ok(id(a) !== undefined);
    assert.equal(id(a), id(b), 'a redelivery is the same message to mail clients');
  });

  it('a rejected mailbox is a permanent failure', async () => {
    const channel = emailChannel(
      loopbackAllowed(),
      smtpSettings.parse({ host: '127.0.0.1', port, from: 'oncall@insitechart.example' }),
    );
    await assert.rejects(
      channel.send({ type: 'email', to: 'gone@bounce.example' }, testMessage(), {
        idempotencyKey: 'x',
        signal: AbortSignal.timeout(5_000),
      }),
      PermanentDeliveryError,
    );
    channel.close();
  });

  it('goes through the outbound guard: an SMTP host on loopback, by IP or by name, is refused and gets no mail', async () => {
    const before = mails.length;
    for (const host of ['127.0.0.1', 'localhost']) {
      const channel = emailChannel(new AddressPolicy(), smtpSettings.parse({ host, port, from: 'oncall@x.example' }));
      await assert.rejects(
        channel.send({ type: 'email', to: 'alice@example.com' }, testMessage(), {
          idempotencyKey: `guard-${host}`,
          signal: AbortSignal.timeout(5_000),
        }),
        (error: unknown) => error instanceof PermanentDeliveryError && /not allowed/.test(error.message),
        host,
      );
      channel.close();
    }
    assert.equal(mails.length, before, 'the server on loopback received nothing');
  });
});
