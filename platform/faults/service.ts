import { rmSync } from 'node:fs';
import { Counter, Gauge } from 'prom-client';
import { auditTo } from '../identity/audit.ts';
import type { PlatformControls } from '../runtime/controls.ts';
import type { Service } from '../runtime/service.ts';
import { diskFillDir } from './effects/disk-fill.ts';
import { requestFaults } from './http.ts';
import { installFaultPoints } from './points.ts';
import { FaultRegistry } from './registry.ts';
import { mountFaultRoutes } from './routes.ts';
import { describeFaultRoutes } from './openapi.ts';
import { openApi } from '../http/openapi.ts';

/**
 * The fault injector of the embedded mode (issue 17, part 4). Must start before the services whose API routes it
 * faults: its request fault point is mounted on /api ahead of theirs. Clears every fault when it stops, and
 * removes disk-fill files a killed process left behind when it starts. Given the platform's controls, a bad deploy
 * is a change of their runtime settings and process-state faults live in their targets' process scopes (see
 * FaultRegistry).
 */
export function faultService(options: { controls?: PlatformControls } = {}): Service {
  let registry: FaultRegistry | undefined;
  let uninstall: (() => void) | undefined;
  return {
    name: 'faults',
    start(ctx) {
      rmSync(diskFillDir(ctx.config.dataDir), { recursive: true, force: true });
      const active = new Gauge({
        name: 'insitechart_faults_active',
        help: 'Injected faults active now, by kind and target service',
        labelNames: ['kind', 'service'] as const,
        registers: [ctx.metrics],
      });
      const injected = new Counter({
        name: 'insitechart_faults_injected_total',
        help: 'Faults injected, by kind',
        labelNames: ['kind'] as const,
        registers: [ctx.metrics],
      });
      const created = new FaultRegistry(
        ctx.config.dataDir,
        (event, fault, why) => {
          active.inc({ kind: fault.kind, service: fault.service }, event === 'injected' ? 1 : -1);
          if (event === 'injected') injected.inc({ kind: fault.kind });
          ctx.logger.warn({ fault: { id: fault.id, kind: fault.kind, service: fault.service }, why }, `fault ${event}`);
        },
        options.controls?.config,
        options.controls?.components,
      );
      registry = created;
      uninstall = installFaultPoints(created);
      ctx.api.use(requestFaults(created, ctx.api));
      mountFaultRoutes(ctx.api, created, auditTo(ctx.bus, 'faults'));
      describeFaultRoutes(openApi);
      return Promise.resolve();
    },
    stop() {
      registry?.clearAll('platform stopping');
      uninstall?.();
      return Promise.resolve();
    },
  };
}
