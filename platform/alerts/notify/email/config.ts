import { z } from 'zod';

export const emailTarget = z.strictObject({ type: z.literal('email'), to: z.email() });

/** The SMTP relay every email goes through. */
export const smtpSettings = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.boolean().default(false),
  /** Refuse to send without STARTTLS (off for loopback test relays). */
  require_tls: z.boolean().default(false),
  from: z.string().min(3),
  user: z.string().optional(),
  pass: z.string().optional(),
});
export type SmtpSettings = z.output<typeof smtpSettings>;
