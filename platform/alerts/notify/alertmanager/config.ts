import { z } from 'zod';

/** Forwarding in Alertmanager's webhook format (version 4), which Keep and many tools accept. */
export const alertmanagerTarget = z.strictObject({
  type: z.literal('alertmanager'),
  url: z.url({ protocol: /^https?$/ }),
});
