import { z } from 'zod';

export const smsTarget = z.strictObject({
  type: z.literal('sms'),
  to: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number like +4915112345678'),
});

/** An SMS provider's HTTP API (Twilio-style): we POST {to, body} with a bearer token. */
export const smsProvider = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  token: z.string().optional(),
  from: z.string().optional(),
});
export type SmsProvider = z.output<typeof smsProvider>;
