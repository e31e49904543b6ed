import { join } from 'node:path';
import type { Subscription } from '../../platform/backbone/bus.ts';
import { auditTo } from '../../platform/identity/audit.ts';
import type { PlatformControls } from '../../platform/runtime/controls.ts';
import type { Service, ServiceContext } from '../../platform/runtime/service.ts';
import { remediationRoutes } from './api/routes.ts';
import { describeRemediationRoutes } from './api/openapi.ts';
import { openApi } from '../../platform/http/openapi.ts';
import { loadRemediationConfig } from './config.ts';
import { RemediationEngine } from './engine.ts';
import { publishStep } from './events.ts';
import type { RemediationAction, RemediationExecutor } from './executor.ts';
import { LocalExecutor } from './executors/local/local-executor.ts';
import { PredictiveScaler } from './forecast/predictive.ts';
import { SqlitePendingStore } from './pending-store.ts';
import { loadPolicies } from './policy/load.ts';
import type { SignalProbe } from './guardrails/verification.ts';
import { platformProbe, RegistryReader, ResolvedAlerts } from './probe.ts';
import { alertSignal, detectionSignal } from './signals.ts';

export interface RemediationServiceOptions {
  /**
   * Embedded mode: the running platform's control ports. The local executor acts through them, the blast radius
   * reads their replica counts and predictive scaling sizes their pools.
   */
  readonly controls?: PlatformControls;
  /** Distributed mode: the executor (Pulumi), opened at start. */
  readonly executor?: () => Promise<RemediationExecutor>;
  /** Distributed mode: the replicas the blast radius measures an action against (the executor's, from the stack). */
  readonly replicas?: (action: RemediationAction) => number | undefined;
  /** How verification reads a signal back; by default from this process's metrics registry (embedded mode). */
  readonly probe?: (resolved: ResolvedAlerts) => SignalProbe;
}

/**
 * The closed loop: detections, predictions, operational alerts and load forecasts go through the policies and
 * guardrails; every step is published on `remediations`, audited and served at /api/remediations. Approvals that
 * wait for a person are kept in DATA_DIR/remediation.db and restored at the next start.
 */
export function remediationService(options: RemediationServiceOptions): Service {
  let engine: RemediationEngine | undefined;
  let pending: SqlitePendingStore | undefined;
  const subscriptions: Subscription[] = [];
  const timers: NodeJS.Timeout[] = [];
  return {
    name: 'remediation',
    async start(ctx: ServiceContext) {
      const config = loadRemediationConfig();
      remediationRoutes(ctx.api, () => engine);
      describeRemediationRoutes(openApi);
      if (!config.enabled) {
        ctx.logger.info('remediation disabled (REMEDIATION_ENABLED=false)');
        return;
      }
      const families = loadPolicies(config.policiesDir);
      const { controls } = options;
      const local = controls === undefined ? undefined : new LocalExecutor(controls);
      const executor = options.executor === undefined ? local : await options.executor();
      if (executor === undefined) throw new Error('remediation needs the platform controls or an executor');
      const reader = new RegistryReader(ctx.metrics);
      const resolved = new ResolvedAlerts();
      pending = new SqlitePendingStore(join(ctx.config.dataDir, 'remediation.db'));
      const running = new RemediationEngine({
        families,
        executor,
        probe: options.probe?.(resolved) ?? platformProbe(reader, resolved),
        publish: publishStep(ctx.bus, auditTo(ctx.bus, 'detectors/remediation')),
        replicas: (action) =>
          local !== undefined && executor === local ? local.replicas(action) : options.replicas?.(action),
        settings: config.engine,
        pending,
        onError: (error, record) => {
          ctx.logger.error({ err: error, remediation: record.id }, 'a remediation step could not be recorded');
        },
      });
      engine = running;
      const restored = running.restorePending();
      if (restored.restored + restored.dropped + restored.mitigations > 0)
        ctx.logger.info(restored, 'pending remediation approvals and mitigations to lift restored after a restart');
      subscriptions.push(
        await ctx.bus.subscribe({
          group: 'remediation-detections',
          topic: 'detections',
          from: 'latest',
          handler: ({ envelope }) => running.onSignal(detectionSignal(envelope.data)),
        }),
        await ctx.bus.subscribe({
          group: 'remediation-alerts',
          topic: 'alerts.ops',
          from: 'latest',
          handler: async ({ envelope }) => {
            const alert = envelope.data;
            if (alert.status === 'resolved') resolved.add(alert.fingerprint, Date.parse(envelope.time));
            const signal = alertSignal(alert, Date.parse(envelope.time));
            if (signal !== undefined) await running.onSignal(signal);
          },
        }),
      );
      // Predictive scaling sizes in-process pools (embedded mode); the distributed mode has none to size.
      const scaler =
        controls === undefined
          ? undefined
          : new PredictiveScaler({
              families,
              read: (series) => reader.read({ __name__: series }),
              pool: (name) => controls.pools.get(name),
              propose: (proposal) => running.propose(proposal),
            });
      const every = (ms: number, work: () => Promise<unknown>, what: string): void => {
        const timer = setInterval(() => {
          work().catch((error: unknown) => {
            ctx.logger.warn({ err: error }, what);
          });
        }, ms);
        timer.unref();
        timers.push(timer);
      };
      every(1_000, () => running.expire(), 'expiring remediation approvals failed');
      every(
        1_000,
        () => {
          running.liftDue();
          return Promise.resolve();
        },
        'lifting temporary mitigations failed',
      );
      if (scaler !== undefined) {
        every(config.forecastSampleMs, () => scaler.sample(Date.now()), 'sampling load for predictive scaling failed');
        every(config.forecastEveryMs, () => scaler.evaluate(Date.now()), 'predictive scaling failed');
      }
      ctx.logger.info(
        { families: families.map((f) => f.family), executor: executor.name, ...config.engine },
        'remediation engine started',
      );
    },
    async stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      await Promise.all(subscriptions.splice(0).map((s) => s.close('drain')));
      await engine?.close();
      pending?.close();
      pending = undefined;
    },
  };
}
