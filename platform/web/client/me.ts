/** Who-am-I's answer (DOM-free: the build probe answers with it too). */
import * as z from 'zod/mini';

/** GET /api/identity/me: who this browser is signed in as, and what that identity may do. */
export const me = z.object({
  kind: z.enum(['user', 'token', 'anonymous']),
  name: z.string(),
  role: z.nullable(z.string()),
  permissions: z.array(z.string()),
  mustChangePassword: z.boolean(),
  publicMarketData: z.boolean(),
  /** Whether sign-in through the organisation's identity provider (OpenID Connect) is offered. */
  oidc: z.optional(z.boolean()),
  csrf: z.optional(z.string()),
});
export type Me = z.infer<typeof me>;

/** Before who-am-I answers, or when it cannot be asked. */
export const anonymous: Me = {
  kind: 'anonymous',
  name: 'anonymous',
  role: null,
  permissions: [],
  mustChangePassword: false,
  publicMarketData: true,
};
