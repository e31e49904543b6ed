import { Gauge } from 'prom-client';
import type { ProcessScopes } from '../../platform/runtime/process-scopes.ts';
import type { Service } from '../../platform/runtime/service.ts';
import { checks, type Check } from './rules.ts';
import { directoryBytes, readSample, type Sample } from './sample.ts';

const HISTORY = 300;
/** Subjects come from the registry (services, consumer groups): a bound on the state they key. */
const MAX_STATES = 200;
/** A check that keeps firing is published again this often (a reminder, as the anomaly detector does). */
const REPEAT_MS = 60_000;

export interface CheckStatus {
  readonly check: string;
  readonly subject: string;
  readonly firing: boolean;
  readonly since: number | undefined;
  readonly value: number;
  readonly limit: number;
  readonly title: string;
}

interface State {
  firing: boolean;
  since: number | undefined;
  baseline: number | undefined;
  publishedAt: number;
  last: CheckStatus;
}

/**
 * The detector tier's fixed checks (rules.ts) on the platform's own registry, every `intervalMs`: an error ratio
 * and a response time per API service, a stalled feed, a growing consumer lag, memory growth (the process's, and
 * each component's in embedded mode, given the process scopes) and disk growth. A check
 * that starts firing is published on `detections` (detector `check`, series `check_<name>{service}`), as the
 * anomaly detector's findings are, so alert routing and remediation treat both alike. Status at
 * GET /api/detectors/checks, with each check's warm-up.
 */
export function platformChecksService(options: { intervalMs?: number; components?: ProcessScopes } = {}): Service {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  return {
    name: 'platform-checks',
    start(ctx) {
      const intervalMs = options.intervalMs ?? 1_000;
      const history: Sample[] = [];
      const states = new Map<string, State>();
      /** When a sample first found the process ready: nothing sampled before is judged (no user was served). */
      let servingSince: number | undefined;
      const firingGauge = new Gauge({
        name: 'insitechart_detector_check_firing',
        help: 'Fixed checks firing now (1) or not (0), by check and subject',
        labelNames: ['check', 'subject'] as const,
        registers: [ctx.metrics],
      });
      const publish = async (check: Check, subject: string, status: CheckStatus): Promise<void> => {
        await ctx.bus.publish('detections', {
          key: `check/${check.name}/${subject}`,
          data: {
            detector: 'check',
            series: { __name__: `check_${check.name.replaceAll('-', '_')}`, service: subject, check: check.name },
            score: 1,
            observed: status.value,
            expected: { low: 0, high: status.limit },
            ts: Date.now(),
            explanation: `${status.title}; fixed check ${check.name}, limit ${String(status.limit)}`,
            title: status.title,
            severity: 'error',
          },
        });
      };
      const step = async (): Promise<void> => {
        const componentBytes = (await options.components?.memory()) ?? {};
        history.push(await readSample(ctx.metrics, directoryBytes(ctx.config.dataDir), componentBytes));
        if (history.length > HISTORY) history.shift();
        const latest = history.at(-1);
        if (latest === undefined) return;
        if (latest.ready) servingSince ??= latest.ts;
        if (servingSince === undefined) return;
        for (const check of checks)
          for (const subject of check.subjects(latest)) {
            const key = `${check.name}/${subject}`;
            const state = states.get(key);
            const result = check.evaluate(history, subject, state?.firing === true ? state.baseline : undefined);
            if (result === undefined) continue;
            if (state === undefined && states.size >= MAX_STATES) continue;
            const firing = state?.firing === true ? !result.clear : result.fire;
            const status: CheckStatus = {
              check: check.name,
              subject,
              firing,
              since: firing ? (state?.firing === true ? state.since : latest.ts) : undefined,
              value: result.value,
              limit: result.limit,
              title: result.title,
            };
            const next: State = {
              firing,
              since: status.since,
              baseline: firing && state?.firing === true ? state.baseline : result.baseline,
              publishedAt: state?.publishedAt ?? 0,
              last: status,
            };
            states.set(key, next);
            firingGauge.set({ check: check.name, subject }, firing ? 1 : 0);
            if (firing && (state?.firing !== true || latest.ts - next.publishedAt >= REPEAT_MS)) {
              next.publishedAt = latest.ts;
              await publish(check, subject, status);
            }
          }
      };
      timer = setInterval(() => {
        running = running.then(step).catch((error: unknown) => {
          ctx.logger.error({ err: error }, 'platform checks step failed');
        });
      }, intervalMs);
      timer.unref();
      ctx.api.get('/detectors/checks', (_req, res) => {
        const upS = servingSince === undefined ? 0 : (Date.now() - servingSince) / 1000;
        res.json({
          checks: checks.map((c) => ({ name: c.name, warmupS: c.warmupS, warmingUp: upS < c.warmupS })),
          status: [...states.values()].map((s) => s.last),
        });
      });
      return Promise.resolve();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
