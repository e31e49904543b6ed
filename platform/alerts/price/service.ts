import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { EventBus, Subscription } from '../../backbone/bus.ts';
import type { TopicData } from '../../backbone/topics.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { LiveUniverse } from '../../market-data/live-universe.ts';
import { instrumentBySymbol } from '../../reference/instruments.ts';
import type { NotificationMessage } from '../notify/message.ts';
import type { OutboxItem } from '../notify/outbox.ts';
import { RuleState, type Bar } from './evaluate.ts';
import type { PriceAlertLiveStream } from './live-stream.ts';
import { thresholdUnit, type PriceRule, type PriceRuleInput, type ThresholdUnit } from './rules.ts';

export interface PriceAlertEvent {
  readonly id: string;
  readonly ruleId: string;
  readonly userId: string;
  readonly symbol: string;
  readonly kind: string;
  readonly observed: number;
  readonly message: string;
  readonly at: string;
}

const maxBars = 600;

/** A rule as the API shows it: with its threshold's unit and, while it is quiet after a firing, until when. */
export type PriceRuleView = PriceRule & {
  readonly thresholdUnit: ThresholdUnit;
  readonly currency: string;
  readonly cooldownUntil?: string;
};

/**
 * Users' price alerts: rules in SQLite, evaluated against `market.ticks` and 1-minute `market.bars`;
 * firings are published on `alerts.user`, then kept as the user's in-app feed and sent by Web Push.
 * Every instance reads every firing through a group of its own (the user's sessions may be on any of them);
 * deliveries go out once, from the group the instances share.
 */
export class PriceAlertService {
  readonly #db: DatabaseSync;
  readonly #bus: EventBus;
  readonly #enqueue: (items: readonly OutboxItem[]) => void;
  readonly #logger: Logger;
  readonly #universe: LiveUniverse;
  readonly #live: PriceAlertLiveStream;
  readonly #instance: string;
  readonly #states = new Map<string, RuleState>();
  readonly #bars = new Map<string, Bar[]>();

  constructor(deps: {
    db: DatabaseSync;
    bus: EventBus;
    enqueue: (items: readonly OutboxItem[]) => void;
    logger: Logger;
    /** The instruments with a live source: rules on others are refused. */
    universe: LiveUniverse;
    /** The open web sessions that get each firing at once. */
    live: PriceAlertLiveStream;
    /**
     * Names this instance's own subscription to firings: unique among running instances and the same across
     * a restart (so its group resumes instead of a new one being left behind at each start).
     */
    instance: string;
  }) {
    if (!/^[\w.:@-]{1,100}$/.test(deps.instance))
      throw new RangeError(`bad price alert instance name ${deps.instance}`);
    this.#instance = deps.instance;
    this.#universe = deps.universe;
    this.#live = deps.live;
    this.#db = deps.db;
    this.#bus = deps.bus;
    this.#enqueue = deps.enqueue;
    this.#logger = deps.logger;
    this.#db
      .exec(`CREATE TABLE IF NOT EXISTS price_rules (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS price_events (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS price_events_user ON price_events (user_id, at);
      CREATE TABLE IF NOT EXISTS price_rule_fired (id TEXT PRIMARY KEY, fired_at INTEGER NOT NULL);`);
    const rows = this.#db
      .prepare(`SELECT r.data, f.fired_at FROM price_rules r LEFT JOIN price_rule_fired f ON f.id = r.id`)
      .all() as { data: string; fired_at: number | null }[];
    for (const r of rows) {
      const rule = JSON.parse(r.data) as PriceRule;
      this.#states.set(rule.id, new RuleState(rule, r.fired_at ?? -Infinity));
    }
  }

  get universe(): LiveUniverse {
    return this.#universe;
  }

  async start(): Promise<Subscription[]> {
    // Every instance checks rules against the universe: each reads every announcement.
    await this.#universe.follow(this.#bus, `price-alerts-universe@${this.#instance}`);
    return [
      await this.#bus.subscribe({
        group: 'price-alerts-ticks',
        topic: 'market.ticks',
        from: 'latest',
        handler: async ({ envelope }) => {
          await this.#onTick(envelope.data.symbol, envelope.data.price, envelope.data.ts);
        },
      }),
      await this.#bus.subscribe({
        group: 'price-alerts-bars',
        topic: 'market.bars',
        from: 'latest',
        handler: async ({ envelope }) => {
          const b = envelope.data;
          if (b.interval === '1m') await this.#onBar(b.symbol, { start: b.start, close: b.close, volume: b.volume });
        },
      }),
      // Shared by the instances: each firing's Web Push and email are queued once.
      await this.#bus.subscribe({
        group: 'price-alerts-notify',
        topic: 'alerts.user',
        handler: ({ envelope }) => {
          this.#enqueue(this.#deliveries(envelope.id, envelope.data, envelope.data.message));
        },
      }),
      // This instance's own: every firing, whichever instance evaluated it, is kept in the feed (before the
      // group commits it) and sent to the owner's sessions connected here.
      await this.#bus.subscribe({
        group: `price-alerts-live@${this.#instance}`,
        topic: 'alerts.user',
        from: 'latest',
        handler: ({ envelope }) => {
          const a = envelope.data;
          const event: PriceAlertEvent = {
            id: envelope.id,
            ruleId: a.alertId,
            userId: a.userId,
            symbol: a.symbol,
            kind: a.kind,
            observed: a.observed,
            message: a.message,
            at: envelope.time,
          };
          this.#db
            .prepare(`INSERT OR IGNORE INTO price_events (id, user_id, data, at) VALUES (?, ?, ?, ?)`)
            .run(event.id, event.userId, JSON.stringify(event), Date.parse(event.at));
          this.#live.publish({ ...event, threshold: a.threshold, thresholdUnit: thresholdUnit(a.kind) });
        },
      }),
    ];
  }

  /** Web Push (unless the rule turned it off) and email (when the rule names an address) for one firing. */
  #deliveries(eventId: string, firing: TopicData<'alerts.user'>, title: string): OutboxItem[] {
    const { alertId: ruleId, userId } = firing;
    const rule = this.#states.get(ruleId)?.rule;
    const notify = rule?.notify ?? { webPush: true };
    const message: NotificationMessage = {
      kind: 'price',
      title,
      price: {
        kind: firing.kind,
        symbol: firing.symbol,
        threshold: firing.threshold,
        observed: firing.observed,
        ...(rule?.kind === 'correlation_break' ? { otherSymbol: rule.otherSymbol } : {}),
        ...(rule?.kind === 'percent_move' ? { windowMinutes: rule.windowMinutes } : {}),
      },
      status: 'fired',
      severity: 'info',
      priority: 3,
      alertCount: 1,
      alerts: [],
      links: {},
      remediations: [],
      traceIds: [],
      language: notify.language ?? 'en',
      recipient: { id: userId, name: userId },
    };
    const items: OutboxItem[] = [];
    if (notify.webPush)
      items.push({ key: `price:${eventId}`, target: { type: 'webpush' }, recipient: userId, message });
    if (notify.email !== undefined)
      items.push({
        key: `price-email:${eventId}`,
        target: { type: 'email', to: notify.email },
        recipient: userId,
        message,
      });
    return items;
  }

  /** The API's view of a rule. */
  view(rule: PriceRule): PriceRuleView {
    const until = this.#states.get(rule.id)?.cooldownUntil(Date.now());
    return {
      ...rule,
      thresholdUnit: thresholdUnit(rule.kind),
      currency: instrumentBySymbol(rule.symbol)?.currency ?? 'USD',
      ...(until === undefined ? {} : { cooldownUntil: new Date(until).toISOString() }),
    };
  }

  list(userId: string): PriceRule[] {
    return [...this.#states.values()].map((s) => s.rule).filter((r) => r.userId === userId);
  }

  get(userId: string, id: string): PriceRule | undefined {
    const rule = this.#states.get(id)?.rule;
    return rule?.userId === userId ? rule : undefined;
  }

  put(userId: string, input: PriceRuleInput, id: string = randomUUID()): PriceRule {
    const rule: PriceRule = {
      ...input,
      id,
      userId,
      createdAt: this.get(userId, id)?.createdAt ?? new Date().toISOString(),
    };
    this.#db
      .prepare(
        `INSERT INTO price_rules (id, user_id, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
      )
      .run(id, userId, JSON.stringify(rule));
    // A changed rule is a new rule: no cooldown from its previous form.
    this.#db.prepare(`DELETE FROM price_rule_fired WHERE id = ?`).run(id);
    this.#states.set(id, new RuleState(rule));
    return rule;
  }

  remove(userId: string, id: string): boolean {
    if (this.get(userId, id) === undefined) return false;
    this.#db.prepare(`DELETE FROM price_rules WHERE id = ?`).run(id);
    this.#db.prepare(`DELETE FROM price_rule_fired WHERE id = ?`).run(id);
    return this.#states.delete(id);
  }

  events(userId: string, limit: number): PriceAlertEvent[] {
    return (
      this.#db
        .prepare(`SELECT data FROM price_events WHERE user_id = ? ORDER BY at DESC LIMIT ?`)
        .all(userId, limit) as { data: string }[]
    ).map((r) => JSON.parse(r.data) as PriceAlertEvent);
  }

  async #onTick(symbol: string, price: number, ts: number): Promise<void> {
    for (const state of this.#states.values())
      if (state.rule.symbol === symbol) {
        const fired = state.onTick(price, ts);
        if (fired !== undefined) await this.#publish(state, fired.observed, fired.message);
      }
  }

  async #onBar(symbol: string, bar: Bar): Promise<void> {
    let bars = this.#bars.get(symbol);
    if (bars === undefined) this.#bars.set(symbol, (bars = []));
    if (bars.at(-1)?.start === bar.start) bars[bars.length - 1] = bar;
    else bars.push(bar);
    if (bars.length > maxBars) bars.shift();
    for (const state of this.#states.values()) {
      const r = state.rule;
      const other = r.kind === 'correlation_break' ? r.otherSymbol : undefined;
      if (r.symbol !== symbol && other !== symbol) continue;
      const fired = state.onBar(
        this.#bars.get(r.symbol) ?? [],
        other === undefined ? [] : (this.#bars.get(other) ?? []),
        bar.start,
      );
      if (fired !== undefined) await this.#publish(state, fired.observed, fired.message);
    }
  }

  async #publish(state: RuleState, observed: number, message: string): Promise<void> {
    const rule = state.rule;
    // Kept before the firing goes out: a restart continues the cooldown instead of firing again at once.
    this.#db
      .prepare(
        `INSERT INTO price_rule_fired (id, fired_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET fired_at = excluded.fired_at`,
      )
      .run(rule.id, state.lastFiredAt);
    const threshold = 'threshold' in rule ? rule.threshold : 0;
    await this.#bus.publish('alerts.user', {
      key: rule.userId,
      data: {
        alertId: rule.id,
        userId: rule.userId,
        symbol: rule.symbol,
        kind: rule.kind,
        threshold,
        observed,
        message,
      },
      source: 'alerts',
    });
    this.#logger.debug({ rule: rule.id, user: rule.userId }, 'price alert fired');
  }
}
