import type { AddressPolicy } from '../../../net/address-policy.ts';
import type { Channel } from '../channel.ts';
import { postJson } from '../http.ts';
import { render } from '../templates.ts';
import type { SmsProvider } from './config.ts';

/** SMS through a provider's HTTP API: the 160-character rendering. */
export function smsChannel(policy: AddressPolicy, provider: SmsProvider): Channel<'sms'> {
  return {
    type: 'sms',
    send: (target, message, ctx) =>
      postJson(
        policy,
        provider.url,
        {
          to: target.to,
          ...(provider.from !== undefined ? { from: provider.from } : {}),
          body: render(message, 'sms').short,
        },
        {
          ...(provider.token !== undefined ? { authorization: `Bearer ${provider.token}` } : {}),
          'idempotency-key': ctx.idempotencyKey,
        },
        ctx.signal,
      ),
  };
}
