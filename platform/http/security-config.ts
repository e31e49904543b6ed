import { z } from 'zod';
import { commaList, emptyToUndefined, parseEnv, type Env } from '../config/config.ts';

const hostName = z
  .string()
  .regex(/^(\*\.)?[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'each host must be a name like example.com or *.example.com');
const origin = z
  .string()
  .regex(/^https?:\/\/[A-Za-z0-9.\-[\]:]+$/, 'each origin must be scheme://host[:port] with no path (http or https)');

const securityEnv = z.object({
  ALLOWED_HOSTS: commaList(hostName),
  CORS_ORIGINS: commaList(origin),
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ),
});

export interface HttpSecurityConfig {
  /** Host names (lower case; `*.` prefix: a domain and its subdomains) the platform answers to beyond the defaults. */
  readonly allowedHosts: readonly string[];
  /** Origins (scheme://host[:port]) other sites may call the API from; empty: same-origin only. */
  readonly corsOrigins: readonly string[];
}

/**
 * Reads ALLOWED_HOSTS, CORS_ORIGINS and PUBLIC_URL (whose host is allowed too); throws ConfigError naming each bad
 * variable.
 */
export function loadHttpSecurityConfig(env: Env = process.env): HttpSecurityConfig {
  const e = parseEnv(securityEnv, env);
  const hosts = e.ALLOWED_HOSTS.map((h) => h.toLowerCase());
  if (e.PUBLIC_URL !== undefined) hosts.push(new URL(e.PUBLIC_URL).hostname.toLowerCase());
  return { allowedHosts: hosts, corsOrigins: e.CORS_ORIGINS.map((o) => new URL(o).origin) };
}
