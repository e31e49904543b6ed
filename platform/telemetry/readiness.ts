import { Gauge, type Registry } from 'prom-client';

/**
 * Whether the process serves users: 1 once every service has started and the server listens, 0 while it starts
 * and again once it drains. Exported on /metrics like any gauge, so the detector tier reads it the way it reads
 * everything else (sampling the registry when embedded, from Prometheus when distributed, where the scrape adds
 * `job` and `instance`): what was sampled before the first 1 is the process's own start-up, which no user met.
 */
export const READY_METRIC = 'insitechart_process_ready';

export type ProcessPhase = 'starting' | 'serving' | 'draining';

/** The process's phase, moved forward only: starting -> serving -> draining. */
export class ProcessReadiness {
  #phase: ProcessPhase = 'starting';

  get phase(): ProcessPhase {
    return this.#phase;
  }

  /** Every service started and the server listens. */
  serving(): void {
    if (this.#phase === 'starting') this.#phase = 'serving';
  }

  /** Stopping: no new work is taken from now on. */
  draining(): void {
    this.#phase = 'draining';
  }
}

export function registerReadiness(registry: Registry, readiness: ProcessReadiness): void {
  new Gauge({
    name: READY_METRIC,
    help: 'Whether the process serves users: 1 once every service started and it listens, 0 while starting or draining',
    registers: [registry],
    collect() {
      this.set(readiness.phase === 'serving' ? 1 : 0);
    },
  });
}
