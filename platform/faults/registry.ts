import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { DiskFill } from './effects/disk-fill.ts';
import { MemoryLeak } from './effects/memory-leak.ts';
import type { ApiService } from '../http/api-services.ts';
import type { ConfigControl } from '../runtime/controls.ts';
import type { ProcessScopes } from '../runtime/process-scopes.ts';
import { defaults, limits, targets, type ActiveFault, type FaultKind, type InjectRequest } from './kinds.ts';
import type { FaultPoints } from './points.ts';

interface Held {
  readonly heldBytes: number;
  readonly thread?: Worker;
  release(): void;
}

/** Faults that live in the target's process state: a restart of the target ends them. */
const processState: ReadonlySet<FaultKind> = new Set(['latency', 'error-rate', 'memory-leak', 'consumer-lag']);

interface Entry {
  readonly fault: Omit<ActiveFault, 'heldBytes'>;
  readonly held?: Held;
  readonly timer: NodeJS.Timeout;
  /** A bad deploy's runtime setting (`release.<service>`) and the broken value it rolled out. */
  readonly release?: { readonly key: string; readonly value: string };
  /** Lets go of the fault's place in its target's process scope. */
  readonly unhold?: () => void;
}

/** What a request to one service's API suffers from the active faults. */
export interface RequestFault {
  readonly delayMs: number;
  /** Share of requests that fail (0..1) and why, as the failing response says. */
  readonly failShare: number;
  readonly reason: string;
}

export class TooManyFaults extends Error {}

/**
 * The active faults of one platform: each applied at once, ended at its expiry or when cleared, at most
 * `limits.maxActive` at a time. A bad deploy is a configuration version of the service: clearing it (or
 * `revertConfig`) rolls the service back to the version before. Given the runtime settings, a bad deploy is also a
 * real change of the setting `release.<service>`, recorded in their history: the service fails while the setting
 * holds the broken value, so reverting that change (the remediation's revert-config) cures it.
 * Given the process scopes, the faults that live in a target's process state (a leak, a wedged handler that answers
 * slowly or fails, a slow consumer) are held in the target's scope: restarting the target (the remediation's restart
 * through the control port) ends them, and a leak's thread with them. A bad configuration and a full disk survive a
 * restart; a hung feed run ends with the feed's own restart (`feedStalled`).
 */
export class FaultRegistry implements FaultPoints {
  readonly #entries = new Map<string, Entry>();
  readonly #dataDir: string;
  readonly #onChange: (event: 'injected' | 'cleared', fault: ActiveFault, why: string) => void;
  #configVersion = new Map<string, number>();
  readonly #config: ConfigControl | undefined;
  readonly #scopes: ProcessScopes | undefined;

  constructor(
    dataDir: string,
    onChange: (event: 'injected' | 'cleared', fault: ActiveFault, why: string) => void = () => undefined,
    config?: ConfigControl,
    scopes?: ProcessScopes,
  ) {
    this.#dataDir = dataDir;
    this.#onChange = onChange;
    this.#config = config;
    this.#scopes = scopes;
  }

  inject(request: InjectRequest, now = Date.now()): ActiveFault {
    if (this.#entries.size >= limits.maxActive)
      throw new TooManyFaults(`at most ${String(limits.maxActive)} faults at once: clear one first`);
    const id = randomUUID();
    const kind = request.kind;
    const service = request.service ?? targets[kind][0];
    const intensity = request.intensity ?? defaults[kind].intensity;
    const maxBytes = request.maxBytes ?? defaults[kind].maxBytes;
    const durationMs = request.duration ?? limits.defaultDurationMs;
    let held: Held | undefined;
    if (kind === 'memory-leak') held = new MemoryLeak(intensity, maxBytes);
    if (kind === 'disk-fill') held = new DiskFill(this.#dataDir, id, intensity, maxBytes);
    let release: Entry['release'];
    if (kind === 'bad-deploy') {
      const version = (this.#configVersion.get(service) ?? 1) + 1;
      this.#configVersion.set(service, version);
      release = { key: `release.${service}`, value: `v${String(version)}-broken-${id.slice(0, 8)}` };
      this.#config?.set(release.key, release.value);
    }
    const timer = setTimeout(() => {
      this.#end(id, 'expired');
    }, durationMs);
    timer.unref();
    const fault = { id, kind, service, intensity, maxBytes, injectedAt: now, expiresAt: now + durationMs };
    const unhold = processState.has(kind)
      ? this.#scopes?.hold(service, {
          release: () => {
            this.#end(id, `restart of ${service}`);
          },
          ...(held?.thread === undefined ? {} : { thread: held.thread }),
        })
      : undefined;
    this.#entries.set(id, {
      fault,
      held,
      timer,
      ...(release === undefined ? {} : { release }),
      ...(unhold === undefined ? {} : { unhold }),
    });
    const listed = this.#view(this.#entries.get(id));
    if (listed !== undefined) this.#onChange('injected', listed, 'injected');
    return { ...fault, heldBytes: held?.heldBytes ?? 0 };
  }

  list(): ActiveFault[] {
    return [...this.#entries.values()].flatMap((entry) => this.#view(entry) ?? []);
  }

  get(id: string): ActiveFault | undefined {
    return this.#view(this.#entries.get(id));
  }

  /** Ends one fault; false when no such fault is active. */
  clear(id: string, why = 'cleared'): boolean {
    return this.#end(id, why);
  }

  clearAll(why = 'cleared'): number {
    let n = 0;
    for (const id of [...this.#entries.keys()]) if (this.#end(id, why)) n += 1;
    return n;
  }

  /** The service's configuration rolled back: its bad deploys end. */
  revertConfig(service: string): number {
    return this.#endWhere(
      (f) => f.service === service && f.kind === 'bad-deploy',
      `configuration of ${service} reverted`,
    );
  }

  /** The configuration version each service runs (1 unless a bad deploy changed it). */
  configVersions(): Record<string, number> {
    return Object.fromEntries(this.#configVersion);
  }

  request(service: ApiService): RequestFault {
    let delayMs = 0;
    let pass = 1;
    let reason = '';
    for (const [id, { fault, release }] of [...this.#entries]) {
      if (fault.service !== service) continue;
      if (release !== undefined && this.#config !== undefined && this.#config.get(release.key) !== release.value) {
        this.#end(id, `setting ${release.key} no longer holds the bad release`);
        continue;
      }
      if (fault.kind === 'latency') delayMs += fault.intensity;
      if (fault.kind === 'error-rate') {
        pass *= 1 - fault.intensity;
        reason ||= 'injected fault: error rate';
      }
      if (fault.kind === 'bad-deploy') {
        pass *= 1 - fault.intensity;
        reason = `configuration v${String(this.#configVersion.get(service) ?? 1)} of ${service} is broken`;
      }
    }
    return { delayMs: Math.min(delayMs, limits.maxLatencyMs), failShare: 1 - pass, reason };
  }

  feedStalled(runStartedAt: number): boolean {
    for (const { fault } of this.#entries.values())
      if (fault.kind === 'feed-stall' && fault.injectedAt >= runStartedAt) return true;
    return false;
  }

  consumerDelayMs(group: string): number {
    let delay = 0;
    for (const { fault } of this.#entries.values())
      if (fault.kind === 'consumer-lag' && fault.service === group) delay += fault.intensity;
    return Math.min(delay, limits.maxConsumerDelayMs);
  }

  #endWhere(match: (fault: Entry['fault']) => boolean, why: string): number {
    let n = 0;
    for (const [id, entry] of [...this.#entries]) if (match(entry.fault) && this.#end(id, why)) n += 1;
    return n;
  }

  #end(id: string, why: string): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    const listed = this.#view(entry);
    clearTimeout(entry.timer);
    entry.unhold?.();
    entry.held?.release();
    this.#entries.delete(id);
    // The fault's end rolls its own release back, unless something else changed the setting since.
    const release = entry.release;
    if (release !== undefined && this.#config?.get(release.key) === release.value) {
      const before = this.#config.history().findLast((c) => c.key === release.key && c.after === release.value);
      this.#config.set(release.key, before?.before);
    }
    const { kind, service } = entry.fault;
    if (kind === 'bad-deploy') {
      const version = (this.#configVersion.get(service) ?? 2) - 1;
      if (version <= 1) this.#configVersion.delete(service);
      else this.#configVersion.set(service, version);
    }
    if (listed !== undefined) this.#onChange('cleared', listed, why);
    return true;
  }

  #view(entry: Entry | undefined): ActiveFault | undefined {
    return entry === undefined ? undefined : { ...entry.fault, heldBytes: entry.held?.heldBytes ?? 0 };
  }
}
