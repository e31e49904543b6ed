import type { ConfigChange, PlatformControls } from '../../../../platform/runtime/controls.ts';
import type {
  ActionKind,
  ExecuteOptions,
  ExecutionResult,
  RemediationAction,
  RemediationExecutor,
} from '../../executor.ts';

const kinds: ReadonlySet<ActionKind> = new Set([
  'scale',
  'restart',
  'rollback',
  'throttle-source',
  'pause-producer',
  'failover-feed',
  'revert-config',
]);

const fail = (detail: string): ExecutionResult => ({ ok: false, detail });
const inverse = (action: RemediationAction, params: RemediationAction['params']): RemediationAction => ({
  id: `${action.id}-undo`,
  kind: action.kind,
  service: action.service,
  params,
});

/**
 * Acts on the running embedded platform through the services' control ports (platform/runtime/controls.ts): resizes
 * consumer pools, restarts, pauses or fails over the market feed, restarts a component (its process scope), lowers
 * computation admission (sheds load), rolls a configuration change back. Canary weights exist only on Kubernetes
 * (the Pulumi executor).
 */
export class LocalExecutor implements RemediationExecutor {
  readonly name = 'local';
  readonly #controls: PlatformControls;

  constructor(controls: PlatformControls) {
    this.#controls = controls;
  }

  supports(kind: ActionKind): boolean {
    return kinds.has(kind);
  }

  /** Replicas the action's target has now (pools: members; the feed and each component run once), for the blast
   * radius. */
  replicas(action: RemediationAction): number | undefined {
    if (action.kind === 'scale') return this.#controls.pools.get(String(action.params.pool))?.size();
    if (action.kind === 'restart') return 1;
    return undefined;
  }

  async execute(action: RemediationAction, { dryRun }: ExecuteOptions): Promise<ExecutionResult> {
    const p = action.params;
    switch (action.kind) {
      case 'scale': {
        const pool = this.#controls.pools.get(String(p.pool));
        if (pool === undefined) return fail(`no pool ${String(p.pool)}`);
        const before = pool.size();
        const target = Math.min(pool.max, Math.max(pool.min, Number(p.replicas)));
        if (!Number.isInteger(target)) return fail('scale needs a whole number of replicas');
        // Scaling to the size it has changes nothing: refused, so it spends no slot and takes no credit for a recovery.
        if (target === before) return fail(`${String(p.pool)} has ${String(before)} members: nothing to scale`);
        const detail = `${String(p.pool)}: ${String(before)} -> ${String(target)} members`;
        if (!dryRun) await pool.resize(target);
        return { ok: true, detail, undo: inverse(action, { ...p, replicas: before }) };
      }
      case 'restart':
        return action.params.feed === undefined ? this.#restartComponent(action, dryRun) : this.#feed(action, dryRun);
      case 'pause-producer':
      case 'failover-feed':
        return this.#feed(action, dryRun);
      case 'throttle-source': {
        const name = String(p.admission);
        const admission = this.#controls.admission.get(name);
        if (admission === undefined) return fail(`no admission control ${name}`);
        const before = admission.limit();
        const limit = p.limit === 'normal' ? admission.normal : Number(p.limit);
        if (!Number.isInteger(limit) || limit < 0) return fail('throttle needs a whole number limit or "normal"');
        // Shedding what is already shed changes nothing: refused, so it spends no hourly slot and hides no failure.
        if (limit < admission.normal && before === limit) {
          return fail(`${name} already admits ${String(before)} waiting: shedding to ${String(limit)} changes nothing`);
        }
        // Shedding work that is not there relieves nothing: the slowness is elsewhere (a latency policy would
        // otherwise shed analytics during another service's fault and take credit for that fault's cure).
        const waiting = admission.waiting();
        if (limit < before && waiting <= limit)
          return fail(`${name} has ${String(waiting)} waiting, within ${String(limit)}: shedding turns nobody away`);
        if (!dryRun) admission.setLimit(limit);
        return {
          ok: true,
          detail: `${name}: admits ${String(limit)} waiting (was ${String(before)})`,
          undo: inverse(action, { ...p, limit: before }),
        };
      }
      case 'rollback':
      case 'revert-config':
        return this.#config(action, dryRun);
      case 'canary-weight':
        return fail('canary weights are set on Kubernetes (Pulumi executor), not in embedded mode');
      case 'expand-volume':
        return fail('data volumes grow on Kubernetes (Pulumi executor); in embedded mode DATA_DIR is a host directory');
    }
  }

  /**
   * Restarts a component of the embedded process (its process scope: what it held is released). With `unless_changed`
   * (a setting, e.g. `release.analytics`), refused while a change of that setting holds: a failure after a release
   * is cured by reverting it, and a restart would only hide it for a moment.
   */
  #restartComponent(action: RemediationAction, dryRun: boolean): ExecutionResult {
    const guard = action.params.unless_changed;
    if (typeof guard === 'string') {
      const change = holdingChange(this.#controls.config.history(), guard);
      if (change !== undefined)
        return fail(
          `change ${String(change.version)} of ${guard} holds: revert it rather than restart ${action.service}`,
        );
    }
    if (dryRun) return { ok: true, detail: `would restart ${action.service}` };
    const released = this.#controls.components.restart(action.service);
    return { ok: true, detail: `restarted ${action.service} (its process scope released ${String(released)} held)` };
  }

  #feedName(action: RemediationAction): string {
    return String(action.params.feed ?? action.service);
  }

  async #feed(action: RemediationAction, dryRun: boolean): Promise<ExecutionResult> {
    const name = this.#feedName(action);
    const feed = this.#controls.feeds.get(name);
    if (feed === undefined) return fail(`no feed ${name}`);
    const state = feed.state();
    const verb = dryRun ? 'would ' : '';
    if (action.kind === 'restart') {
      if (!dryRun) await feed.restart();
      return { ok: true, detail: `${verb}restart ${state.feed}` };
    }
    if (action.kind === 'pause-producer') {
      const resume = action.params.resume === true;
      if (state.paused !== resume) return fail(`${state.feed} is already ${resume ? 'running' : 'paused'}`);
      if (!dryRun) await (resume ? feed.resume() : feed.pause());
      return {
        ok: true,
        detail: `${verb}${resume ? 'resume' : 'pause'} ${state.feed}`,
        undo: inverse(action, { ...action.params, resume: !resume }),
      };
    }
    const on = action.params.fallback !== false;
    if (state.onFallback === on) return fail(`${name} is already on its ${on ? 'fallback' : 'primary'} feed`);
    if (!dryRun) await feed.useFallback(on);
    return {
      ok: true,
      detail: `${verb}switch ${name} to its ${on ? 'fallback' : 'primary'} feed`,
      undo: inverse(action, { ...action.params, fallback: !on }),
    };
  }

  #config(action: RemediationAction, dryRun: boolean): ExecutionResult {
    const config = this.#controls.config;
    const history = config.history();
    const key = action.kind === 'revert-config' ? String(action.params.key) : undefined;
    // An explicit value (an undo) sets it; otherwise the last change (of the key, for revert-config) is reversed.
    if ('value' in action.params || action.params.unset === true) {
      const value = action.params.unset === true ? undefined : String(action.params.value);
      const k = key ?? String(action.params.key);
      const before = config.get(k);
      if (!dryRun) config.set(k, value);
      return { ok: true, detail: `${k} set back`, undo: inverse(action, restoring(k, before)) };
    }
    const last = [...history].reverse().find((c) => key === undefined || c.key === key);
    if (last === undefined)
      return fail(key === undefined ? 'no configuration change to roll back' : `no change of ${key}`);
    // Reversing a change that itself undid the one before would put the undone (bad) value back, as a rollout undo
    // that toggles between the last two revisions does.
    if (holdingChange(history, last.key) === undefined)
      return fail(
        `${last.key} is back at its earlier value (change ${String(last.version)} undid the one before): nothing to revert`,
      );
    if (!dryRun) config.set(last.key, last.before);
    return {
      ok: true,
      detail: `${dryRun ? 'would roll' : 'rolled'} back change ${String(last.version)} of ${last.key}`,
      undo: {
        id: `${action.id}-undo`,
        kind: 'revert-config',
        service: action.service,
        params: restoring(last.key, last.after),
      },
    };
  }
}

/** The change of `key` that holds now, unless that change was itself the undoing of the change before it. */
function holdingChange(history: readonly ConfigChange[], key: string): ConfigChange | undefined {
  const changes = history.filter((c) => c.key === key);
  const last = changes.at(-1);
  const previous = changes.at(-2);
  if (last === undefined) return undefined;
  const undoing = previous !== undefined && last.after === previous.before && last.before === previous.after;
  return undoing ? undefined : last;
}

function restoring(key: string, value: string | undefined): RemediationAction['params'] {
  return value === undefined ? { key, unset: true } : { key, value };
}
