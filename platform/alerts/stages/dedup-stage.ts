import type { IncidentCorrelator } from '../correlation/correlator.ts';
import type { Dedup } from './dedup.ts';
import type { AlertContext, Stage } from './stage.ts';

/**
 * Drops a repeat of a known fingerprint in the same state, except a firing alert whose incident was
 * resolved by someone: it still fires, so it goes on and opens a new incident.
 */
export class DedupStage implements Stage {
  readonly name = 'dedup';
  readonly #dedup: Dedup;
  readonly #correlator: IncidentCorrelator;

  constructor(dedup: Dedup, correlator: IncidentCorrelator) {
    this.#dedup = dedup;
    this.#correlator = correlator;
  }

  run(ctx: AlertContext): 'continue' | 'stop' {
    const seen = this.#dedup.observe(ctx.alert, ctx.now);
    ctx.seen = seen;
    ctx.existing = this.#correlator.incidentOf(ctx.alert.fingerprint);
    if (seen !== 'duplicate' || (ctx.existing === undefined && ctx.alert.status === 'firing')) return 'continue';
    const entry = ctx.existing?.alerts.get(ctx.alert.fingerprint);
    if (entry !== undefined) entry.lastSeen = ctx.now;
    ctx.outcome = 'deduplicated';
    return 'stop';
  }
}
