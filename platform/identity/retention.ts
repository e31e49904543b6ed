import type { Logger } from '../telemetry/logger.ts';
import type { AuditTrail } from './audit-trail.ts';
import type { SessionStore } from './sessions.ts';

/** Rows one sweep deletes at most per table: a sweep never holds the database for long. */
const SWEEP_LIMIT = 10_000;

export interface RetentionSettings {
  /** Audit entries older than this are deleted. */
  readonly auditMs: number;
  /** The audit trail keeps at most this many entries (the oldest go first). */
  readonly auditMaxRows: number;
  /** How often the sweep runs. */
  readonly everyMs: number;
}

/**
 * The retention job: deletes expired sessions and audit entries past their period, at most SWEEP_LIMIT rows per
 * table and run (a backlog is worked off over successive runs). Sign-in failures are kept in memory only, for the
 * lock-out window (signin-throttle.ts), so there is nothing of them to sweep.
 */
export class RetentionSweep {
  readonly #sessions: SessionStore;
  readonly #trail: AuditTrail;
  readonly #settings: RetentionSettings;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: { sessions: SessionStore; trail: AuditTrail; settings: RetentionSettings; logger: Logger }) {
    this.#sessions = deps.sessions;
    this.#trail = deps.trail;
    this.#settings = deps.settings;
    this.#logger = deps.logger;
  }

  /** One run; returns what it deleted. */
  sweep(now = Date.now()): { sessions: number; audit: number } {
    const sessions = this.#sessions.sweep(now, SWEEP_LIMIT);
    const audit = this.#trail.sweep(now - this.#settings.auditMs, SWEEP_LIMIT, this.#settings.auditMaxRows);
    return { sessions, audit };
  }

  start(): void {
    this.#timer = setInterval(() => {
      try {
        const deleted = this.sweep();
        if (deleted.sessions + deleted.audit > 0) this.#logger.info({ deleted }, 'retention sweep');
      } catch (error) {
        this.#logger.error({ err: error }, 'retention sweep failed; the next run retries');
      }
    }, this.#settings.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
