import { z } from 'zod';
import { alertmanagerTarget } from './alertmanager/config.ts';
import { emailTarget } from './email/config.ts';
import { pagerdutyTarget } from './pagerduty/config.ts';
import { pushTarget } from './push/config.ts';
import { slackTarget } from './slack/config.ts';
import { smsTarget } from './sms/config.ts';
import { webhookTarget } from './webhook/config.ts';
import { webpushTarget } from './webpush/config.ts';

/** Where one notification goes: each integration's own target schema. */
export const channelTarget = z.discriminatedUnion('type', [
  webhookTarget,
  slackTarget,
  emailTarget,
  smsTarget,
  pushTarget,
  webpushTarget,
  pagerdutyTarget,
  alertmanagerTarget,
]);
export type ChannelTarget = z.output<typeof channelTarget>;
export type ChannelType = ChannelTarget['type'];
export type TargetOf<T extends ChannelType> = Extract<ChannelTarget, { type: T }>;
