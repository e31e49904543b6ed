import { Counter, type Registry } from 'prom-client';
import type { ShareOutcome } from '../http/fair-share.ts';

/** What is shared fairly among addresses (a metric label: a fixed set). */
export type SharedResource = 'connection' | 'sign-in' | 'anonymous-rate';

/** What the identity layer counts: sign-ins by outcome, lock-outs, and refused requests (401, 403, 429). */
export interface IdentityMetrics {
  readonly signIns: Counter<'outcome'>;
  readonly lockouts: Counter<'scope'>;
  readonly refused: Counter<'status' | 'kind' | 'token'>;
  readonly wsRefused: Counter<'reason'>;
  readonly fairShare: Counter<'resource' | 'outcome'>;
  /** Counts one outcome of a fair share (refused by a limit, or a busier peer's unit given to a newcomer). */
  shareOutcome(resource: SharedResource): (outcome: ShareOutcome) => void;
}

export function createIdentityMetrics(registry: Registry): IdentityMetrics {
  const fairShare = new Counter({
    name: 'insitechart_fair_share_total',
    help:
      'Per-address limits shared fairly, by resource (connection, sign-in, anonymous-rate) and outcome: refused by ' +
      'the per-address limit (address), the per-prefix share (prefix) or the total (total), or a busier peer gave ' +
      'one up to a newcomer (evicted)',
    labelNames: ['resource', 'outcome'] as const,
    registers: [registry],
  });
  return {
    fairShare,
    shareOutcome: (resource) => (outcome) => {
      fairShare.inc({ resource, outcome });
    },
    signIns: new Counter({
      name: 'insitechart_signin_attempts_total',
      help: 'Password sign-in attempts by outcome (success, rejected, throttled)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    lockouts: new Counter({
      name: 'insitechart_signin_lockouts_total',
      help: 'Sign-in lock-outs after repeated failures, by scope (account, address)',
      labelNames: ['scope'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'insitechart_http_refused_total',
      help:
        'Requests refused by access control, by status (401, 403, 405, 429), kind of identity (or `connection`: a ' +
        'connection over the per-address cap) and API token name (token misuse; empty for others)',
      labelNames: ['status', 'kind', 'token'] as const,
      registers: [registry],
    }),
    wsRefused: new Counter({
      name: 'insitechart_ws_refused_total',
      help:
        'WebSocket upgrades refused and connections closed at the boundary, by reason (host, credentials, origin, ' +
        'connections, identity-rate)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
