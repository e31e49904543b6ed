import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Router } from 'express';
import type { Registry } from 'prom-client';
import type { EventBus, Subscription } from '../backbone/bus.ts';
import { accessControl } from '../http/access.ts';
import { addressKey } from '../http/address-key.ts';
import type { ShareOutcome } from '../http/fair-share.ts';
import type { WebSocketRefusal } from '../http/websocket-routes.ts';
import type { Logger } from '../telemetry/logger.ts';
import { auditTo } from './audit.ts';
import { AuditTrail } from './audit-trail.ts';
import { dataRoutes } from './data-routes.ts';
import { PersonalData } from './gdpr.ts';
import { OidcSignIn } from './oidc.ts';
import { oidcRoutes } from './oidc-routes.ts';
import { passkeyRoutes } from './passkey-routes.ts';
import { PasskeyStore } from './passkeys.ts';
import { PersonalDataRegistry } from './personal-data.ts';
import { RetentionSweep } from './retention.ts';
import { Identity } from './identity.ts';
import { createIdentityMetrics } from './metrics.ts';
import { identityRoutes } from './routes.ts';
import type { IdentitySettings } from './settings.ts';

export interface PlatformIdentity {
  readonly identity: Identity;
  /** The access middleware every request passes. */
  readonly access: RequestHandler;
  /** Where services register the personal data they hold (export and erasure). */
  readonly personalData: PersonalDataRegistry;
  /** Serves /api/identity/*, keeps the audit trail from the `audit` topic, starts the retention sweep. */
  mount(api: Router, bus: EventBus): Promise<void>;
  /**
   * Who a WebSocket upgrade is made as (`user:alice`, `token:feed`, `address:10.0.0.7` for anonymous peers), or
   * undefined when it may not proceed: it needs market:read (anonymous when market data is public).
   */
  readonly authorizeUpgrade: (request: IncomingMessage) => string | undefined;
  /** Counts WebSocket upgrades refused and connections closed at the boundary, by reason. */
  readonly wsRefused: (reason: WebSocketRefusal) => void;
  /**
   * Counts HTTP connections refused by the per-address, per-prefix or total cap (also as 429s of kind `connection`)
   * and connections closed for a newcomer.
   */
  readonly connectionOutcome: (outcome: ShareOutcome) => void;
  /** On first start, creates the admin and logs once how to sign in. */
  announce(url: string): Promise<void>;
  close(): Promise<void>;
}

/** The identity layer of one platform process, on the identity database in `dataDir`. */
export function platformIdentity(
  dataDir: string,
  settings: IdentitySettings,
  registry: Registry,
  logger: Logger,
): PlatformIdentity {
  const metrics = createIdentityMetrics(registry);
  const identity = new Identity(dataDir, settings, metrics.shareOutcome('anonymous-rate'));
  const connectionShare = metrics.shareOutcome('connection');
  const log = logger.child({ component: 'identity' });
  const holders = new PersonalDataRegistry();
  const trail = new AuditTrail(identity.database);
  const passkeys = new PasskeyStore(identity.database);
  const data = new PersonalData(identity, trail, holders, passkeys);
  const retention = new RetentionSweep({
    sessions: identity.sessions,
    trail,
    settings: settings.retention,
    logger: log,
  });
  let trailSubscription: Subscription | undefined;
  return {
    identity,
    personalData: holders,
    access: accessControl(identity, metrics),
    mount: async (api, bus) => {
      const audit = auditTo(bus, 'identity');
      identityRoutes(api, { identity, audit, metrics, logger: log, data });
      dataRoutes(api, { identity, data, audit });
      passkeyRoutes(api, {
        identity,
        passkeys,
        audit,
        metrics,
        onCeremony: metrics.shareOutcome('sign-in'),
        ...(settings.publicUrl === undefined ? {} : { publicUrl: settings.publicUrl }),
      });
      oidcRoutes(api, {
        identity,
        audit,
        metrics,
        ...(settings.oidc === undefined
          ? {}
          : {
              oidc: new OidcSignIn(settings.oidc, identity.database, {
                prefixPercent: settings.prefixSharePercent,
                onOutcome: metrics.shareOutcome('sign-in'),
              }),
            }),
        ...(settings.publicUrl === undefined ? {} : { publicUrl: settings.publicUrl }),
      });
      trailSubscription = await bus.subscribe({
        group: 'identity-audit-trail',
        topic: 'audit',
        from: 'earliest',
        handler: ({ envelope }) => {
          trail.record({ id: envelope.id, at: envelope.time, ...envelope.data });
        },
      });
      retention.start();
    },
    authorizeUpgrade: (request) => {
      const principal = identity.authenticate(request);
      if (principal === 'invalid' || principal.mustChangePassword || !principal.permissions.has('market:read'))
        return undefined;
      return principal.kind === 'anonymous' ? `address:${addressKey(request.socket.remoteAddress)}` : principal.actor;
    },
    wsRefused: (reason) => {
      metrics.wsRefused.inc({ reason });
    },
    connectionOutcome: (outcome) => {
      connectionShare(outcome);
      if (outcome !== 'evicted') metrics.refused.inc({ status: '429', kind: 'connection', token: '' });
    },
    announce: async (url) => {
      const admin = await identity.bootstrapAdmin();
      if (admin === undefined) return;
      if (admin.oneTimePassword === undefined) {
        log.info({ user: admin.name }, `Created the admin account '${admin.name}' with ADMIN_PASSWORD`);
        return;
      }
      // Printed once, never stored in clear: the account must choose a new password at first sign-in.
      log.warn(
        { user: admin.name },
        `First start: sign in at ${url}/#/sign-in as '${admin.name}' with the one-time password ` +
          `${admin.oneTimePassword} (you will choose a new one). Set ADMIN_PASSWORD to choose it yourself.`,
      );
    },
    close: async () => {
      retention.stop();
      // The bus may already be closed (it closes its subscriptions then).
      await trailSubscription?.close('drain').catch(() => undefined);
      identity.close();
    },
  };
}
