import { z } from 'zod';

/** A generic webhook: the incident as JSON, with an Idempotency-Key header receivers can dedupe on. */
export const webhookTarget = z.strictObject({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
});
