import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { renderUpdate, type Flush, type Group, type StreamKey } from './groups.ts';
import { ReplayRing } from './replay-ring.ts';

/** One client's session: its sequence, replay ring, subscriptions and what it has not been sent yet. */
export class Session {
  readonly id = randomUUID();
  /** The peer's address, for the per-address bound on retained sessions. */
  readonly address: string;
  readonly ring: ReplayRing<Flush, Group<Session>>;
  seq = 0;
  socket: WebSocket | undefined;
  alive = true;
  lastSentAt = 0;
  detachedAt = 0;
  slowSince = 0;
  readonly symbols = new Set<string>();
  readonly streams = new Set<StreamKey>();
  group: Group<Session> | undefined;
  /** Latest quote and bar states not yet sent (slow or disconnected client), by symbol and by stream + bar start. */
  readonly pendingQuotes = new Map<string, string>();
  readonly pendingBars = new Map<string, string>();
  constructor(replayMessages: number, address: string) {
    this.address = address;
    this.ring = new ReplayRing<Flush, Group<Session>>(
      replayMessages,
      (flush, group) => renderUpdate(flush, group) ?? '}',
    );
  }
}

export interface RetentionLimits {
  /** How long a disconnected session can be resumed. */
  readonly ttlMs: number;
  /** Disconnected sessions kept in all; beyond it the longest-disconnected is discarded. */
  readonly maxRetained: number;
  /** Disconnected sessions kept per peer address (one address cycling connections cannot evict the others'). */
  readonly maxRetainedPerAddress: number;
}

/**
 * Every session by id, and the bounded set of disconnected ones kept for resuming: at most `maxRetained`
 * (and `maxRetainedPerAddress` per address), each for at most `ttlMs`, oldest disconnection evicted first.
 * A session with no subscriptions is not kept: resuming it would give nothing a new session does not.
 */
export class SessionRegistry {
  readonly #limits: RetentionLimits;
  readonly #all = new Map<string, Session>();
  /** Disconnected sessions in the order they disconnected. */
  readonly #detached = new Set<Session>();
  readonly #detachedByAddress = new Map<string, number>();

  constructor(limits: RetentionLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#all.size;
  }

  get retained(): number {
    return this.#detached.size;
  }

  values(): IterableIterator<Session> {
    return this.#all.values();
  }

  add(session: Session): void {
    this.#all.set(session.id, session);
  }

  get(id: string): Session | undefined {
    return this.#all.get(id);
  }

  /** A disconnected session taken over by a new connection. */
  reattach(session: Session): void {
    this.#forgetDetached(session);
    session.detachedAt = 0;
  }

  /** The session's socket closed; returns the sessions to discard (it, or the ones it pushed over a bound). */
  detach(session: Session, now: number): Session[] {
    session.socket = undefined;
    session.detachedAt = now;
    if (session.symbols.size === 0) return [session];
    this.#detached.add(session);
    const perAddress = (this.#detachedByAddress.get(session.address) ?? 0) + 1;
    this.#detachedByAddress.set(session.address, perAddress);
    const evicted: Session[] = [];
    if (perAddress > this.#limits.maxRetainedPerAddress) {
      for (const s of this.#detached)
        if (s.address === session.address) {
          evicted.push(s);
          break;
        }
    }
    for (const s of this.#detached) {
      if (this.#detached.size - evicted.length <= this.#limits.maxRetained) break;
      if (!evicted.includes(s)) evicted.push(s);
    }
    return evicted;
  }

  /** Disconnected sessions past their time to live. */
  expired(now: number): Session[] {
    const out: Session[] = [];
    for (const s of this.#detached) {
      if (now - s.detachedAt <= this.#limits.ttlMs) break;
      out.push(s);
    }
    return out;
  }

  delete(session: Session): void {
    this.#all.delete(session.id);
    this.#forgetDetached(session);
  }

  #forgetDetached(session: Session): void {
    if (!this.#detached.delete(session)) return;
    const n = (this.#detachedByAddress.get(session.address) ?? 1) - 1;
    if (n === 0) this.#detachedByAddress.delete(session.address);
    else this.#detachedByAddress.set(session.address, n);
  }
}
