import { z } from 'zod';

/** Hand-off to a PagerDuty service through the Events API v2 (integration key = routing_key). */
export const pagerdutyTarget = z.strictObject({
  type: z.literal('pagerduty'),
  routing_key: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }).default('https://events.pagerduty.com/v2/enqueue'),
});
