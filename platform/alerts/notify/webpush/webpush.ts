import type { AddressPolicy } from '../../../net/address-policy.ts';
import webpush from 'web-push';
import { PermanentDeliveryError, type Channel } from '../channel.ts';
import { post } from '../http.ts';
import { render } from '../templates.ts';
import type { PushSubscriptionJson } from './config.ts';
import type { VapidKeys } from './vapid.ts';

export interface WebPushSubscriptions {
  list(userId: string): PushSubscriptionJson[];
  remove(userId: string, endpoint: string): void;
}

/**
 * Web Push to each browser the recipient subscribed: web-push encrypts (aes128gcm) and signs (VAPID);
 * we send through the outbound guard. A subscription the push service reports gone (404/410) is removed.
 */
export function webpushChannel(
  policy: AddressPolicy,
  keys: VapidKeys,
  subject: string,
  ttlSeconds: number,
  subscriptions: WebPushSubscriptions,
): Channel<'webpush'> {
  return {
    type: 'webpush',
    async send(_target, message, ctx) {
      const userId = message.recipient?.id;
      if (userId === undefined) throw new PermanentDeliveryError('web push needs a recipient user');
      const subs = subscriptions.list(userId);
      if (subs.length === 0) throw new PermanentDeliveryError(`user ${userId} has no web push subscription`);
      const r = render(message, 'webpush');
      const payload = JSON.stringify({
        title: r.subject,
        body: r.short,
        incidentId: message.incidentId,
        kind: message.kind,
        tag: ctx.idempotencyKey,
      });
      const failures: string[] = [];
      for (const sub of subs) {
        const details = webpush.generateRequestDetails(sub, payload, {
          vapidDetails: { subject, ...keys },
          TTL: ttlSeconds,
          urgency: message.priority <= 2 ? 'high' : 'normal',
          contentEncoding: 'aes128gcm',
        });
        try {
          await post(policy, details.endpoint, new Uint8Array(details.body), details.headers, ctx.signal);
        } catch (error) {
          if (/answered (404|410)/.test((error as Error).message)) subscriptions.remove(userId, sub.endpoint);
          else failures.push((error as Error).message);
        }
      }
      if (failures.length > 0) throw new Error(failures.join('; '));
    },
  };
}
