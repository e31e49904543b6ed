import type { AddressPolicy } from '../../../net/address-policy.ts';
import type { Channel } from '../channel.ts';
import { postJson } from '../http.ts';
import { render } from '../templates.ts';

const colour = { critical: '#d00000', error: '#e85d04', warning: '#ffba08', info: '#3a86ff' } as const;

/** A Slack incoming-webhook message: mrkdwn text plus a coloured attachment per severity. */
export function slackChannel(policy: AddressPolicy): Channel<'slack'> {
  return {
    type: 'slack',
    send(target, message, ctx) {
      const r = render(message, 'slack');
      const payload = {
        ...(target.channel !== undefined ? { channel: target.channel } : {}),
        text: r.subject,
        attachments: [
          {
            color: message.kind === 'resolved' ? '#2a9d8f' : colour[message.severity],
            text: r.text,
            mrkdwn_in: ['text'],
            footer: ctx.idempotencyKey,
          },
        ],
      };
      return postJson(policy, target.url, payload, {}, ctx.signal);
    },
  };
}
