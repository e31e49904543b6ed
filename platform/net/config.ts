import { z } from 'zod';
import { commaItems, emptyToUndefined, parseEnv, type Env } from '../config/config.ts';
import { AddressPolicy, cidrProblems } from './address-policy.ts';

const outboundEnv = z.object({
  OUTBOUND_ALLOW_CIDRS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform(commaItems)
      .superRefine((list, ctx) => {
        for (const problem of cidrProblems(list)) ctx.addIssue({ code: 'custom', message: problem });
      }),
  ),
});

/**
 * The outbound-call policy from OUTBOUND_ALLOW_CIDRS: comma-separated ranges (e.g. `10.1.2.0/24,::1/128`) that
 * notification channels may reach although they are private or loopback. Throws ConfigError for a bad range.
 */
export function loadOutboundPolicy(env: Env = process.env): AddressPolicy {
  return new AddressPolicy(parseEnv(outboundEnv, env).OUTBOUND_ALLOW_CIDRS);
}

/** For tests whose peers listen on loopback: loopback allow-listed explicitly, everything else as in production. */
export const loopbackAllowed = (): AddressPolicy => new AddressPolicy(['127.0.0.0/8', '::1/128']);
