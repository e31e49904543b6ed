import type { PlatformAlert } from '../model.ts';
import { defineAlert } from './define.ts';

/** The identity layer's counters (platform/identity/metrics.ts). */
const signIns = 'insitechart_signin_attempts_total';
const lockouts = 'insitechart_signin_lockouts_total';
const refused = 'insitechart_http_refused_total';
const wsRefused = 'insitechart_ws_refused_total';

const dashboard = 'insitechart-security';
const escalation =
  'Tell the platform on-call and the security contact; if accounts or tokens may be compromised, treat it as an ' +
  'incident (revoke, rotate, audit) before looking for the cause.';

/**
 * Threat detections over what the identity layer counts: credential stuffing, lock-outs, token misuse, bursts of
 * refused requests, scraping against the rate limits, and WebSocket abuse. Into security.rules.yml.
 */
export const securityAlerts: readonly PlatformAlert[] = [
  defineAlert({
    name: 'CredentialStuffing',
    service: 'identity',
    severity: 'error',
    expr: `sum by (job) (increase(${signIns}{outcome=~"rejected|throttled"}[10m])) > 30`,
    for: '0m',
    summary: 'More than 30 password sign-ins failed in 10 minutes on {{ $labels.job }}',
    runbook: {
      whatFired: 'More than 30 password sign-ins were rejected or throttled within 10 minutes.',
      impact: 'Someone is guessing passwords; accounts with weak or reused passwords may be taken over.',
      diagnosis: [
        { what: 'Sign-ins by outcome', expr: `sum by (outcome) (increase(${signIns}[10m]))` },
        { what: 'Lock-outs by scope', expr: `sum by (scope) (increase(${lockouts}[1h]))` },
      ],
      panels: [{ dashboard, panel: 'Sign-in failures' }],
      mitigation: [
        'Read the `identity.lockout` audit events and the warn log lines: which accounts and addresses.',
        'Block the addresses at the ingress if they are few; lower SIGNIN_LOCKOUT_FAILURES if many.',
        'Ask the targeted users to change their passwords, or set new one-time passwords as admin.',
      ],
      remediation: 'Sign-in throttling already delays each failure (1 s doubling to 60 s) and locks accounts out.',
      escalation,
    },
  }),
  defineAlert({
    name: 'SignInLockout',
    service: 'identity',
    severity: 'warning',
    expr: `sum by (job, scope) (increase(${lockouts}[15m])) > 0`,
    for: '0m',
    summary: 'A sign-in lock-out by {{ $labels.scope }} on {{ $labels.job }}',
    runbook: {
      whatFired: 'An account or an address was locked out after repeated failed sign-ins in the last 15 minutes.',
      impact: 'The locked-out user cannot sign in until the window passes; someone may be guessing a password.',
      diagnosis: [{ what: 'Lock-outs by scope', expr: `sum by (scope) (increase(${lockouts}[1h]))` }],
      panels: [{ dashboard, panel: 'Sign-in failures' }],
      mitigation: [
        'Find the `identity.lockout` audit event: the account or address.',
        'Ask the account owner whether it was them; if not, set a new one-time password for the account.',
      ],
      remediation: 'The lock-out itself; it ends after SIGNIN_LOCKOUT_MINUTES.',
      escalation,
    },
  }),
  defineAlert({
    name: 'ApiTokenMisuse',
    service: 'identity',
    severity: 'error',
    expr: `sum by (job, token) (increase(${refused}{kind="token",token!="",status=~"403|405"}[10m])) > 10`,
    for: '0m',
    summary: 'API token {{ $labels.token }} was refused more than 10 times in 10 minutes',
    runbook: {
      whatFired: 'A valid API token called routes its role does not allow more than 10 times in 10 minutes.',
      impact: 'The token may be stolen and used to explore the API, or a client is misconfigured and failing.',
      diagnosis: [
        {
          what: 'Refusals by token and status',
          expr: `sum by (token, status) (increase(${refused}{kind="token"}[1h]))`,
        },
      ],
      panels: [{ dashboard, panel: 'Refused by access control' }],
      mitigation: [
        'Ask the token owner (its name says which system) whether the calls are theirs.',
        'If not, revoke it: `npm run token -- revoke NAME`, and issue a new one to the owner.',
      ],
      remediation: 'None: each call was refused (403), nothing was changed.',
      escalation,
    },
  }),
  defineAlert({
    name: 'InvalidTokenBurst',
    service: 'identity',
    severity: 'warning',
    expr: `sum by (job) (increase(${refused}{status="401",kind="token",token=""}[10m])) > 20`,
    for: '0m',
    summary: 'More than 20 unknown, expired or revoked bearer tokens presented in 10 minutes',
    runbook: {
      whatFired: 'More than 20 requests in 10 minutes presented a bearer token that is unknown, expired or revoked.',
      impact: 'Someone is guessing tokens, or a client still uses a revoked or expired one (its data is lost).',
      diagnosis: [
        { what: '401 with an invalid token', expr: `sum (increase(${refused}{status="401",kind="token"}[1h]))` },
        {
          what: '401 by route',
          expr: `sum by (route) (rate(insitechart_http_request_duration_seconds_count{status_code="401"}[10m]))`,
        },
      ],
      panels: [{ dashboard, panel: 'Unauthenticated (401)' }],
      mitigation: [
        'Check `npm run token -- list` for tokens that expired or were revoked recently: renew the client.',
        'Otherwise find the addresses in the access logs (status 401) and block them at the ingress.',
      ],
      remediation: 'None: every request was refused.',
      escalation,
    },
  }),
  defineAlert({
    name: 'AccessDeniedBurst',
    service: 'identity',
    severity: 'warning',
    expr: `sum by (job, kind) (rate(${refused}{status=~"401|403",kind=~"anonymous|user"}[5m])) > 1`,
    for: '5m',
    summary: 'More than one request per second refused (401/403) for {{ $labels.kind }} callers',
    runbook: {
      whatFired: 'Anonymous or signed-in callers were refused (401/403) more than once a second for 5 minutes.',
      impact: 'Probing of the API (route enumeration, CSRF attempts), or a broken client release.',
      diagnosis: [
        { what: 'Refusals by status and kind', expr: `sum by (status, kind) (rate(${refused}[5m]))` },
        {
          what: '403 by route',
          expr: `sum by (route) (rate(insitechart_http_request_duration_seconds_count{status_code="403"}[5m]))`,
        },
      ],
      panels: [
        { dashboard, panel: 'Forbidden (403)' },
        { dashboard, panel: 'Refused by access control' },
      ],
      mitigation: [
        'Look at the routes refused: one route after a release is a client bug (roll the client back).',
        'Many routes from few addresses is probing: block them at the ingress.',
      ],
      remediation: 'None: every request was refused.',
      escalation,
    },
  }),
  defineAlert({
    name: 'RateLimitRejections',
    service: 'identity',
    severity: 'warning',
    expr: `sum by (job, kind) (rate(${refused}{status="429"}[5m])) > 0.5`,
    for: '10m',
    summary: 'Requests by {{ $labels.kind }} callers rate limited for 10 minutes',
    runbook: {
      whatFired: 'Requests were refused by the rate limits (429) more than once every 2 seconds for 10 minutes.',
      impact: 'Scraping or a runaway client; legitimate users behind the same address may be refused too.',
      diagnosis: [{ what: '429 by kind and token', expr: `sum by (kind, token) (rate(${refused}{status="429"}[5m]))` }],
      panels: [{ dashboard, panel: 'Rate limited (429)' }],
      mitigation: [
        'A token: ask its owner to slow down, or revoke it.',
        'Anonymous addresses: block them at the ingress, or set PUBLIC_MARKET_DATA=false.',
        'Legitimate growth: raise RATE_LIMIT_PER_MINUTE.',
      ],
      remediation: 'The rate limit itself (429 with Retry-After).',
      escalation,
    },
  }),
  defineAlert({
    name: 'WebSocketAbuse',
    service: 'identity',
    severity: 'warning',
    expr: `sum by (job, reason) (increase(${wsRefused}[10m])) > 30`,
    for: '0m',
    summary: 'More than 30 WebSocket upgrades or connections refused ({{ $labels.reason }}) in 10 minutes',
    runbook: {
      whatFired: 'More than 30 WebSocket upgrades were refused, or connections closed for flooding, in 10 minutes.',
      impact:
        'Cross-site hijacking attempts (origin), DNS rebinding (host), connection floods or message floods: ' +
        'they are refused, but they cost connections and may crowd out real clients.',
      diagnosis: [{ what: 'Refusals by reason', expr: `sum by (reason) (increase(${wsRefused}[1h]))` }],
      panels: [{ dashboard, panel: 'WebSocket refusals' }],
      mitigation: [
        'origin or host: a page on another site is targeting users; nothing to do but watch (they are refused).',
        'connections or identity-rate: find the addresses in the logs and block them at the ingress.',
      ],
      remediation: 'Every upgrade was refused or the connection closed (421, 401, 403, 429, 503, 4029).',
      escalation,
    },
  }),
];
