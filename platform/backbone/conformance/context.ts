import type { Delivery, EventBus, Subscription } from '../bus.ts';

export interface ConformanceTarget {
  readonly name: string;
  /** A bus on the target; calls after the first reach the same stored state (a restart, for durable ones). */
  create(): Promise<EventBus>;
  /** Whether a new bus from create() still has what an earlier one acknowledged. */
  readonly durable?: boolean;
  /** When set, the suite is skipped and this reason printed. */
  readonly skip?: string;
  /** How long to wait for deliveries: brokers need time to rebalance groups. */
  readonly timeoutMs?: number;
}

/** Polls until `predicate` holds, failing with `what` after the timeout. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export type AuditDelivery = Delivery<'audit'>;

/** What every conformance case shares: unique names per run, buses and subscriptions closed at the end. */
export interface ConformanceContext {
  readonly target: ConformanceTarget;
  readonly timeout: number;
  readonly uniq: (what: string) => string;
  readonly open: () => Promise<EventBus>;
  readonly track: (s: Subscription) => Subscription;
  readonly audit: (
    bus: EventBus,
    key: string,
    seq: number,
    extra?: Record<string, unknown>,
  ) => ReturnType<EventBus['publish']>;
  readonly seqOf: (d: AuditDelivery) => number;
  readonly mine: (prefix: string) => (d: AuditDelivery) => boolean;
  readonly closeAll: () => Promise<void>;
}

export function conformanceContext(target: ConformanceTarget, run: string): ConformanceContext {
  const timeout = target.timeoutMs ?? 5_000;
  let counter = 0;
  const uniq = (what: string): string => `${run}-${what}-${String(counter++)}`;
  const buses: EventBus[] = [];
  const open = async (): Promise<EventBus> => {
    const bus = await target.create();
    buses.push(bus);
    return bus;
  };
  const subs: Subscription[] = [];
  const track = (s: Subscription): Subscription => {
    subs.push(s);
    return s;
  };
  const audit = (bus: EventBus, key: string, seq: number, extra: Record<string, unknown> = {}) =>
    bus.publish('audit', {
      key,
      data: { actor: key, action: 'test', resource: 'conformance', details: { seq, ...extra } },
    });
  const seqOf = (d: AuditDelivery): number => Number(d.envelope.data.details.seq);
  const mine =
    (prefix: string) =>
    (d: AuditDelivery): boolean =>
      d.envelope.subject.startsWith(prefix);

  const closeAll = async (): Promise<void> => {
    await Promise.all(subs.map((s) => s.close('abort').catch(() => undefined)));
    await Promise.all(buses.map((b) => b.close().catch(() => undefined)));
  };
  return { target, timeout, uniq, open, track, audit, seqOf, mine, closeAll };
}
