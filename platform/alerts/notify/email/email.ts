import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { AddressPolicy } from '../../../net/address-policy.ts';
import { DestinationRefusedError, guardedConnect } from '../../../net/outbound.ts';
import { PermanentDeliveryError, type Channel } from '../channel.ts';
import { render } from '../templates.ts';
import type { SmtpSettings } from './config.ts';

/**
 * Email over SMTP with nodemailer. The Message-ID derives from the idempotency key, so a redelivery after
 * a crash is the same message to mail clients. SMTP 5xx answers (bad mailbox) are permanent. The connection goes
 * through the outbound guard like every other channel's: a configured host that resolves to a loopback, private or
 * metadata address is refused unless OUTBOUND_ALLOW_CIDRS lists it.
 */
export function emailChannel(policy: AddressPolicy, smtp: SmtpSettings): Channel<'email'> & { close(): void } {
  const transport = nodemailer.createTransport({
    getSocket: (_options, callback) => {
      guardedConnect(policy, smtp.host, smtp.port).then(
        (connection) => {
          callback(null, { connection });
        },
        (error: unknown) => {
          callback(error as Error, undefined);
        },
      );
    },
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.require_tls,
    ignoreTLS: !smtp.secure && !smtp.require_tls,
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
  });
  const domain = smtp.from.split('@')[1]?.replace(/>.*/, '') ?? 'insitechart.local';
  return {
    type: 'email',
    async send(target, message, ctx) {
      const r = render(message, 'email');
      const id = createHash('sha256').update(ctx.idempotencyKey).digest('hex').slice(0, 32);
      try {
        await transport.sendMail({
          from: smtp.from,
          to: target.to,
          subject: r.subject,
          text: r.text,
          messageId: `<${id}@${domain}>`,
          headers: {
            'X-Idempotency-Key': ctx.idempotencyKey,
            ...(message.incidentId !== undefined ? { 'X-Incident-Id': message.incidentId } : {}),
          },
        });
      } catch (error) {
        // A destination the guard refuses stays refused: retrying cannot help.
        if (error instanceof DestinationRefusedError) throw new PermanentDeliveryError(error.message);
        const code = (error as { responseCode?: unknown }).responseCode;
        if (typeof code === 'number' && code >= 500)
          throw new PermanentDeliveryError(`SMTP ${String(code)}: ${(error as Error).message}`);
        throw error;
      }
    },
    close: () => {
      transport.close();
    },
  };
}
