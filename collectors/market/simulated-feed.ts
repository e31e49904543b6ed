import { setTimeout as delay } from 'node:timers/promises';
import { exchanges, type Exchange, type Instrument } from '../../platform/reference/instruments.ts';
import type { FeedContext, FeedStatus, MarketFeed } from './feed.ts';
import { startLoop, type FeedLoop } from './feed-loop.ts';
import type { FeedStateStore, SimulatedFeedState } from './feed-state.ts';
import { backfillInThread, type BackfillRequest } from './backfill-thread.ts';
import { activityAt } from './simulation/intraday-profile.ts';
import { MarketModel, type ModelParameters } from './simulation/market-model.ts';
import { createSessionClock, type SessionClock, type SessionClockMode } from './simulation/session-clock.ts';

export interface SimulatedFeedOptions {
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  /** Wall-clock milliseconds between steps; each symbol trades about once per step at average activity. */
  readonly stepMs: number;
  readonly clock: SessionClockMode;
  /** With the compressed clock: wall-clock length of one simulated extended-hours day. */
  readonly dayMs?: number;
  readonly exchange?: Exchange;
  readonly parameters?: ModelParameters;
  readonly now?: () => number;
  /** Where the feed keeps prices and session state to continue from after a restart (none: always the seed). */
  readonly state?: FeedStateStore;
  /** Trading days of daily history to backfill on the first start (0 or absent: none). */
  readonly backfillDays?: number;
}

/** How the first-start history went, for GET /api/market/feed. */
type BackfillState =
  | { readonly state: 'none' | 'pending' }
  | { readonly state: 'done'; readonly at: number; readonly ms?: number; readonly bars?: number }
  | { readonly state: 'failed'; readonly error: string };

const STATE_KEY = 'simulated';
/** Symbols with a backfilled history (the first of the universe): a minute-by-minute day of each is held at once. */
export const BACKFILL_MAX_SYMBOLS = 500;
/** Tries of a backfill per start (a thread that died, a backbone that refused a part), a second apart. */
const BACKFILL_ATTEMPTS = 2;
const BACKFILL_RETRY_MS = 1_000;

/** Where a history ends: kept in the feed's state, so a start that retries a backfill makes the same bars. */
type BackfillPlan = NonNullable<SimulatedFeedState['backfillPlan']>;

/**
 * The simulated market as a feed: steps the market model on a timer, at the activity of the session
 * clock, and emits each step's trades as one batch stamped with the wall-clock time. With a state store
 * it saves prices, regime and clock origin before each batch goes out, so a restart continues where the
 * market was; on its first start it backfills a history of the same model ending at its starting prices.
 */
export class SimulatedFeed implements MarketFeed {
  readonly name = 'simulated';
  readonly simulated = true;
  readonly #model: MarketModel;
  readonly #clock: SessionClock;
  readonly #clockOrigin: number;
  readonly #options: SimulatedFeedOptions;
  readonly #exchange: Exchange;
  readonly #now: () => number;
  #loop: FeedLoop | undefined;
  #backfill: BackfillState;
  #backfillPlan: BackfillPlan | undefined;
  #backfillRun: Promise<void> | undefined;
  #stopBackfill: AbortController | undefined;

  constructor(options: SimulatedFeedOptions) {
    this.#options = options;
    this.#exchange = options.exchange ?? exchanges.XNYS;
    this.#now = options.now ?? Date.now;
    const saved = options.state?.load(STATE_KEY);
    const resumed = saved?.seed === options.seed ? saved : undefined;
    this.#clockOrigin = resumed?.clockOrigin ?? compressedOrigin(this.#exchange, this.#now(), options.dayMs);
    this.#clock = createSessionClock(options.clock, this.#exchange, {
      dayMs: options.dayMs,
      originMs: this.#clockOrigin,
    });
    const [open, close] = this.#exchange.sessions.regular;
    const stepsPerDay = ((close - open) * 60_000) / this.#clock.speed / options.stepMs;
    this.#model = new MarketModel({
      instruments: options.instruments,
      seed: options.seed,
      stepsPerDay,
      ...(options.parameters ? { parameters: options.parameters } : {}),
    });
    if (resumed !== undefined)
      this.#model.restore({
        mids: resumed.mids,
        regime: resumed.regime,
        ...(resumed.day === undefined ? {} : { day: resumed.day }),
      });
    this.#backfill =
      resumed?.backfilledAt !== undefined
        ? { state: 'done', at: resumed.backfilledAt }
        : { state: (options.backfillDays ?? 0) > 0 ? 'pending' : 'none' };
    this.#backfillPlan = this.#backfill.state === 'pending' ? resumed?.backfillPlan : undefined;
  }

  symbols(): readonly string[] {
    return this.#options.instruments.map((i) => i.symbol);
  }

  status(): FeedStatus {
    const state = this.#clock.at(this.#now());
    const minute = Math.floor(state.minuteOfDay);
    const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    const b = this.#backfill;
    return {
      feed: this.name,
      running: this.#loop !== undefined,
      details: {
        symbols: this.#options.instruments.length,
        clock: this.#clock.mode,
        session: state.session,
        // The compressed clock's own time of day (it runs faster than the wall clock); the exchange's zone.
        sessionTime: hhmm,
        exchangeTimeZone: this.#exchange.timeZone,
        regime: this.#model.regime,
        seed: this.#options.seed,
        backfill: b.state,
        ...(b.state === 'done' && b.bars !== undefined ? { backfillBars: b.bars, backfillMs: b.ms ?? 0 } : {}),
        ...(b.state === 'failed' ? { backfillError: b.error } : {}),
      },
    };
  }

  start(context: FeedContext): Promise<void> {
    const { stepMs } = this.#options;
    if (this.#backfill.state === 'pending') {
      // A retry (the last start stopped before the history was stored) ends it where the first try did.
      const plan = (this.#backfillPlan ??= {
        endMs: this.#now(),
        mids: Object.fromEntries(this.#model.mids()),
        regime: this.#model.regime,
      });
      this.#save();
      const stop = new AbortController();
      this.#stopBackfill = stop;
      this.#backfillRun = this.#runBackfill(context, plan, stop.signal);
    }
    this.#loop = startLoop(
      stepMs,
      async () => {
        const now = this.#now();
        const state = this.#clock.at(now);
        const ticks = this.#model.step(now, stepMs * this.#clock.speed, activityAt(state, this.#clock.mode), state.day);
        if (ticks.length === 0) return;
        // Saved before the ticks go out: a crash after this never rewinds prices the charts have shown.
        this.#save();
        await context.emit(ticks);
      },
      (error) => {
        context.health.error('publish');
        context.logger.error({ err: error }, 'publishing simulated ticks failed');
      },
    );
    context.logger.info(
      { symbols: this.#options.instruments.length, stepMs, clock: this.#clock.mode, speed: this.#clock.speed },
      'simulated market feed started',
    );
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
    this.#loop = undefined;
    this.#stopBackfill?.abort();
    await this.#backfillRun;
    this.#save();
  }

  /**
   * History of the model ending at the prices the live feed starts from, made on a worker thread and published
   * newest first as it is made (the charts' first views fill before the older years are made), then remembered. A
   * failed try is retried once (the same plan makes the same bars, stored only where none is); a stop ends it, and
   * the next start makes it again.
   */
  async #runBackfill(context: FeedContext, plan: BackfillPlan, signal: AbortSignal): Promise<void> {
    const request: BackfillRequest = {
      instruments: this.#options.instruments.slice(0, BACKFILL_MAX_SYMBOLS),
      seed: this.#options.seed,
      endMs: plan.endMs,
      endMids: plan.mids,
      endRegime: plan.regime,
      exchange: this.#exchange.mic,
      days: this.#options.backfillDays ?? 0,
    };
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const bars = await backfillInThread(request, (blocks) => context.history(blocks), signal);
        const ms = Math.round(performance.now() - started);
        this.#backfill = { state: 'done', at: plan.endMs, ms, bars };
        this.#backfillPlan = undefined;
        this.#save();
        context.logger.info({ bars, ms, days: this.#options.backfillDays }, 'simulated history backfilled');
        return;
      } catch (error) {
        if (attempt < BACKFILL_ATTEMPTS && !signal.aborted) {
          context.logger.warn({ err: error, attempt }, 'backfilling the simulated history failed; trying again');
          // An abort ends the wait early: the check below sees it.
          await delay(BACKFILL_RETRY_MS, undefined, { signal }).catch(() => undefined);
        }
        if (signal.aborted) {
          context.logger.info('the backfill stopped with the feed; the next start makes it again');
          return;
        }
        if (attempt < BACKFILL_ATTEMPTS) continue;
        const message = error instanceof Error ? error.message : String(error);
        this.#backfill = { state: 'failed', error: message };
        context.health.error('backfill');
        context.logger.error({ err: error }, 'backfilling the simulated history failed; the next start tries again');
        return;
      }
    }
  }

  #save(): void {
    const store = this.#options.state;
    if (store === undefined) return;
    const snapshot = this.#model.snapshot();
    const state: SimulatedFeedState = {
      seed: this.#options.seed,
      clockOrigin: this.#clockOrigin,
      mids: { ...snapshot.mids },
      regime: snapshot.regime,
      ...(snapshot.day === undefined ? {} : { day: snapshot.day }),
      ...(this.#backfill.state === 'done' ? { backfilledAt: this.#backfill.at } : {}),
      ...(this.#backfillPlan === undefined ? {} : { backfillPlan: this.#backfillPlan }),
      savedAt: this.#now(),
    };
    store.save(STATE_KEY, state);
  }
}

/** A compressed day starts at the regular open, so a fresh demo shows the busy open first. */
function compressedOrigin(exchange: Exchange, now: number, dayMs = 30 * 60_000): number {
  const first = exchange.sessions.pre[0];
  const span = exchange.sessions.post[1] - first;
  return now - ((exchange.sessions.regular[0] - first) / span) * dayMs;
}
