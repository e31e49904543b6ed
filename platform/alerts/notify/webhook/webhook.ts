import type { AddressPolicy } from '../../../net/address-policy.ts';
import type { Channel } from '../channel.ts';
import { postJson } from '../http.ts';
import { render } from '../templates.ts';

/** The message as JSON plus its rendering; `Idempotency-Key` lets the receiver drop a redelivery. */
export function webhookChannel(policy: AddressPolicy): Channel<'webhook'> {
  return {
    type: 'webhook',
    send: (target, message, ctx) =>
      postJson(
        policy,
        target.url,
        { ...message, rendered: render(message, 'webhook'), idempotencyKey: ctx.idempotencyKey },
        { ...target.headers, 'idempotency-key': ctx.idempotencyKey },
        ctx.signal,
      ),
  };
}
