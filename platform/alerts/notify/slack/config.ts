import { z } from 'zod';

/** A Slack (or Mattermost, Rocket.Chat: same format) incoming webhook. */
export const slackTarget = z.strictObject({
  type: z.literal('slack'),
  url: z.url({ protocol: /^https?$/ }),
  channel: z.string().optional(),
});
