/**
 * The Pulumi executor: a remediation becomes a change of the stack's configuration (replicas, image tag,
 * canary weight, a restart stamp) followed by `pulumi up`, or `pulumi preview` in a dry run. One action at
 * a time per stack (Pulumi locks a stack during an update); the configuration is put back whenever the
 * update does not succeed, and a dry run never leaves its change behind.
 */
import type {
  ActionKind,
  ExecuteOptions,
  ExecutionResult,
  RemediationAction,
  RemediationExecutor,
} from '../../executor.ts';
import { isAutoscalerAction, readScaling, resolveAutoscalerChange, type DeployedScaling } from './autoscaler.ts';
import { isPulumiKind, resolveChange, stackKey, type ConfigChange } from './changes.ts';
import type { ChangeSummary, RunOptions, StackPort } from './stack-port.ts';
import { remediationTargets } from './targets.ts';
import { resolveVolumeGrowth } from './volume.ts';

export interface PulumiExecutorOptions {
  readonly stack: StackPort;
  /** Services the stack deploys (infra/pulumi/services.ts): anything else is refused before any call. */
  readonly services: readonly string[];
  /** Refresh before each update, so it starts from what runs (e.g. replicas an autoscaler set). */
  readonly refreshFirst?: boolean;
  readonly now?: () => Date;
  /** Actions waiting for the stack beyond this are refused (the guardrails keep it far lower). */
  readonly maxQueued?: number;
  /**
   * Keys the deploy workflow sets per run (its config-map), which the workspace's stack file does not hold:
   * taken from the last successful update before any change, so an update never reverts a deployment.
   */
  readonly syncKeys?: readonly string[];
  /**
   * After a live update fails, further live updates are refused this long (ms). A failed update may have changed the
   * cluster and costs minutes; the engine gives a failed action's slot back, so without this a failing stack would be
   * updated again on every signal.
   */
  readonly failureBackoffMs?: number;
  /**
   * Update only the resources the action changes (the stack output `remediationTargets`, `--target`), so the
   * identity running it needs permissions on those alone (infra/pulumi/rbac.ts). Without that output: refused.
   */
  readonly targeted?: boolean;
}

export const deployedKeys = ['imageTag', 'previousImageTag', 'strategy', 'canaryWeight'].map(stackKey);

/** Last lines of engine output kept for a failure's detail. */
const tailLines = 20;

export class PulumiExecutor implements RemediationExecutor {
  readonly name = 'pulumi';
  readonly #o: Required<PulumiExecutorOptions>;
  #queue: Promise<unknown> = Promise.resolve();
  #queued = 0;
  /** The last failed live update: until when updates are refused, and why. */
  #backoff: { readonly until: number; readonly detail: string } | undefined;
  /** The autoscalers as the last update left them (stack output `scaling`), for the blast radius; once loaded. */
  #scaling: Readonly<Record<string, DeployedScaling>> | undefined;

  constructor(options: PulumiExecutorOptions) {
    this.#o = {
      refreshFirst: false,
      now: () => new Date(),
      maxQueued: 8,
      syncKeys: deployedKeys,
      failureBackoffMs: 600_000,
      targeted: false,
      ...options,
    };
  }

  /**
   * What the blast radius measures an action against, from the last update's outputs (`loadDeployed()`): a
   * scale-out's step against the autoscaler's current maximum, a replicas scale against its minimum (the workload's
   * replicas); undefined otherwise or when unknown.
   */
  replicas(action: RemediationAction): number | undefined {
    const s = action.kind === 'scale' ? this.#scaling?.[action.service] : undefined;
    if (s === undefined) return undefined;
    return isAutoscalerAction(action) ? s.maxReplicas : s.minReplicas;
  }

  /**
   * Reads the stack's outputs for `replicas()`, and again after each update from then on; never throws (the blast
   * radius then knows nothing).
   */
  async loadDeployed(): Promise<void> {
    try {
      this.#scaling = (await readScaling(() => this.#o.stack.outputs())) ?? {};
    } catch {
      this.#scaling = {};
    }
  }

  supports(kind: ActionKind): boolean {
    return isPulumiKind(kind) || kind === 'expand-volume';
  }

  execute(action: RemediationAction, options: ExecuteOptions): Promise<ExecutionResult> {
    if (this.#queued >= this.#o.maxQueued) {
      return Promise.resolve({
        ok: false,
        detail: `stack ${this.#o.stack.name} busy: ${this.#queued} actions waiting`,
      });
    }
    this.#queued += 1;
    const run = this.#queue.then(() => this.#execute(action, options));
    // The queue only orders runs; #execute never rejects, and this keeps the chain alive if it ever did.
    this.#queue = run.catch(() => undefined);
    return run.finally(() => {
      this.#queued -= 1;
    });
  }

  async #execute(action: RemediationAction, options: ExecuteOptions): Promise<ExecutionResult> {
    const { stack } = this.#o;
    const kind = action.kind;
    if (!this.supports(kind)) return { ok: false, detail: `the pulumi executor does not handle ${kind}` };
    if (!this.#o.services.includes(action.service)) {
      return { ok: false, detail: `unknown service ${action.service} (stack ${stack.name})` };
    }
    if (options.signal?.aborted === true) return { ok: false, detail: 'aborted before any change' };
    const now = this.#o.now().getTime();
    if (!options.dryRun && this.#backoff !== undefined && now < this.#backoff.until) {
      const at = new Date(this.#backoff.until).toISOString();
      return {
        ok: false,
        detail: `the last update of ${stack.name} failed; no update before ${at}: ${this.#backoff.detail}`,
      };
    }
    const output: string[] = [];
    try {
      const outputs = () => stack.outputs();
      const resolved = isAutoscalerAction(action)
        ? await resolveAutoscalerChange(action, outputs)
        : isPulumiKind(kind)
          ? await resolveChange({ ...action, kind }, (p) => this.#read(p), this.#o.now)
          : await resolveVolumeGrowth(action, outputs);
      if (!resolved.ok) return resolved;
      const { change } = resolved;
      const target = this.#o.targeted ? await remediationTargets(stack, action) : undefined;
      if (typeof target === 'string') return { ok: false, detail: target };
      const run: RunOptions = {
        onOutput: (line: string) => {
          output.push(line.trimEnd());
          if (output.length > tailLines) output.shift();
        },
        ...(options.signal ? { signal: options.signal } : {}),
        ...(target === undefined ? {} : { target }),
      };
      await this.#syncDeployed();
      if (this.#o.refreshFirst && !options.dryRun) await stack.refresh(run);
      const previous = await stack.getConfig(change.path);
      // Setting what is set changes nothing: refused, so it spends no slot and takes no credit for a recovery.
      if (previous === change.value)
        return { ok: false, detail: `${change.path} is already ${previous ?? '(default)'}` };
      await write(stack, change.path, change.value);
      return await this.#apply(action, change, previous, options.dryRun, run, output);
    } catch (error) {
      return { ok: false, detail: failure(error, options.signal, output) };
    }
  }

  #failed(error: unknown): void {
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    this.#backoff = { until: this.#o.now().getTime() + this.#o.failureBackoffMs, detail };
  }

  /** A config value; the keys the deploy workflow sets per run (a rollback's tags) as the last update had them. */
  async #read(path: string): Promise<string | undefined> {
    const deployed = this.#o.syncKeys.includes(path) ? (await this.#o.stack.lastUpdateConfig())?.[path] : undefined;
    return deployed ?? (await this.#o.stack.getConfig(path));
  }

  async #syncDeployed(): Promise<void> {
    const { stack } = this.#o;
    const deployed = await stack.lastUpdateConfig();
    if (deployed === undefined) return;
    for (const key of this.#o.syncKeys) {
      const value = deployed[key];
      if (value !== undefined && (await stack.getConfig(key)) !== value) await stack.setConfig(key, value);
    }
  }

  async #apply(
    action: RemediationAction,
    change: ConfigChange,
    previous: string | undefined,
    dryRun: boolean,
    run: RunOptions,
    output: readonly string[],
  ): Promise<ExecutionResult> {
    const { stack } = this.#o;
    const what =
      `${change.path} ${previous ?? '(default)'} -> ${change.value ?? '(default)'} on ${stack.name}` +
      (change.note === undefined ? '' : ` (${change.note})`);
    try {
      if (dryRun) {
        const summary = await stack.preview(run);
        const restored = await restore(stack, change.path, previous);
        return { ok: restored.ok, detail: `dry run: ${what}; preview: ${describe(summary)}; ${restored.note}` };
      }
      const result = await stack.up(run).catch((error: unknown) => {
        this.#failed(error);
        throw error;
      });
      if (result !== 'succeeded') {
        this.#failed(`update ${result}`);
        throw new Error(`update ${result}`);
      }
      const undo = change.undoFrom(previous);
      if (this.#scaling !== undefined) await this.loadDeployed();
      return { ok: true, detail: `${action.kind}: ${what}`, ...(undo === undefined ? {} : { undo }) };
    } catch (error) {
      const restored = await restore(stack, change.path, previous);
      return { ok: false, detail: `${failure(error, run.signal, output)}\n${restored.note}` };
    }
  }
}

function write(stack: StackPort, path: string, value: string | undefined): Promise<void> {
  return value === undefined ? stack.removeConfig(path) : stack.setConfig(path, value);
}

/** Puts the previous value back; says what happened, never throws (it runs on failure paths). */
async function restore(
  stack: StackPort,
  path: string,
  previous: string | undefined,
): Promise<{ ok: boolean; note: string }> {
  try {
    await write(stack, path, previous);
    return { ok: true, note: `configuration restored (${path} = ${previous ?? '(default)'})` };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, note: `configuration NOT restored (${path}): ${why}` };
  }
}

function failure(error: unknown, signal: AbortSignal | undefined, output: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const head = signal?.aborted === true ? `aborted: ${message}` : `update failed: ${message}`;
  return output.length === 0 ? head : `${head}\n${output.join('\n')}`;
}

function describe(summary: ChangeSummary): string {
  const parts = Object.entries(summary)
    .filter(([op, n]) => op !== 'same' && n !== undefined && n > 0)
    .map(([op, n]) => `${op} ${String(n)}`);
  return parts.length === 0 ? 'no changes' : parts.join(', ');
}
