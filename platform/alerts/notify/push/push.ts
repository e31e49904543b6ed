import type { AddressPolicy } from '../../../net/address-policy.ts';
import type { Channel } from '../channel.ts';
import { postJson } from '../http.ts';
import { render } from '../templates.ts';
import type { PushProvider } from './config.ts';

/** Mobile push through a provider relay (FCM/APNs behind one HTTP API): title, body and the incident id. */
export function pushChannel(policy: AddressPolicy, provider: PushProvider): Channel<'push'> {
  return {
    type: 'push',
    send(target, message, ctx) {
      const r = render(message, 'push');
      const payload = {
        token: target.token,
        title: r.subject,
        body: r.short,
        priority: message.priority <= 2 ? 'high' : 'normal',
        data: { incidentId: message.incidentId ?? '', kind: message.kind, idempotencyKey: ctx.idempotencyKey },
      };
      return postJson(
        policy,
        provider.url,
        payload,
        {
          ...(provider.token !== undefined ? { authorization: `Bearer ${provider.token}` } : {}),
          'idempotency-key': ctx.idempotencyKey,
        },
        ctx.signal,
      );
    },
  };
}
