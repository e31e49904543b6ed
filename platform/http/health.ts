import { withTimeout } from '../async/abort.ts';

export type ReadinessCheck = () => Promise<boolean>;

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, 'ok' | 'failing' | 'draining'>;
}

/** Readiness of the process: every registered dependency check passes and it is not draining. */
export class Health {
  readonly #checks = new Map<string, ReadinessCheck>();
  #draining = false;

  add(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** From now on /readyz fails, so load balancers stop sending work while in-flight work finishes. */
  drain(): void {
    this.#draining = true;
  }

  async readiness(timeoutMs = 2_000): Promise<Readiness> {
    const checks: Record<string, 'ok' | 'failing' | 'draining'> = {};
    if (this.#draining) checks.process = 'draining';
    await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        checks[name] = (await withTimeout(check(), timeoutMs).catch(() => false)) ? 'ok' : 'failing';
      }),
    );
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  }
}
