import { z } from 'zod';

/** A mobile device registered with a push provider (FCM/APNs relay): we POST {token, title, body, data}. */
export const pushTarget = z.strictObject({ type: z.literal('push'), token: z.string().min(8) });

export const pushProvider = z.strictObject({ url: z.url({ protocol: /^https?$/ }), token: z.string().optional() });
export type PushProvider = z.output<typeof pushProvider>;
