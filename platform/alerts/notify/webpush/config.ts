import { z } from 'zod';

/** Web Push to every browser subscription the user registered (stored by the alerts service). */
export const webpushTarget = z.strictObject({ type: z.literal('webpush') });

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export const pushSubscription = z.strictObject({
  // Push services' endpoints are a few hundred characters; keys are base64url of 65 and 16 bytes.
  endpoint: z.url({ protocol: /^https?$/ }).max(2_048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: z.string().min(16).max(256), auth: z.string().min(8).max(128) }),
});
export type PushSubscriptionJson = z.output<typeof pushSubscription>;

export const webpushSettings = z.strictObject({
  /** VAPID subject: a mailto: or https: contact for the push service operator. */
  subject: z
    .string()
    .regex(/^(mailto:|https:)/, 'must start with mailto: or https:')
    .default('mailto:oncall@insitechart.local'),
  ttl_seconds: z.number().int().min(0).max(2_419_200).default(3_600),
});
