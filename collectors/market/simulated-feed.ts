import { exchanges, type Exchange, type Instrument } from '../../platform/reference/instruments.ts';
import type { FeedContext, FeedStatus, MarketFeed } from './feed.ts';
import { startLoop, type FeedLoop } from './feed-loop.ts';
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
}

/**
 * The simulated market as a feed: steps the market model on a timer, at the activity of the session
 * clock, and emits each step's trades as one batch stamped with the wall-clock time.
 */
export class SimulatedFeed implements MarketFeed {
  readonly name = 'simulated';
  readonly #model: MarketModel;
  readonly #clock: SessionClock;
  readonly #options: SimulatedFeedOptions;
  readonly #exchange: Exchange;
  readonly #now: () => number;
  #loop: FeedLoop | undefined;

  constructor(options: SimulatedFeedOptions) {
    this.#options = options;
    this.#exchange = options.exchange ?? exchanges.XNYS;
    this.#now = options.now ?? Date.now;
    this.#clock = createSessionClock(options.clock, this.#exchange, {
      dayMs: options.dayMs,
      originMs: compressedOrigin(this.#exchange, this.#now(), options.dayMs),
    });
    const [open, close] = this.#exchange.sessions.regular;
    const stepsPerDay = ((close - open) * 60_000) / this.#clock.speed / options.stepMs;
    this.#model = new MarketModel({
      instruments: options.instruments,
      seed: options.seed,
      stepsPerDay,
      ...(options.parameters ? { parameters: options.parameters } : {}),
    });
  }

  status(): FeedStatus {
    const state = this.#clock.at(this.#now());
    const minute = Math.floor(state.minuteOfDay);
    const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    return {
      feed: this.name,
      running: this.#loop !== undefined,
      details: {
        symbols: this.#options.instruments.length,
        clock: this.#clock.mode,
        session: state.session,
        exchangeTime: hhmm,
        regime: this.#model.regime,
        seed: this.#options.seed,
      },
    };
  }

  start(context: FeedContext): Promise<void> {
    const { stepMs } = this.#options;
    this.#loop = startLoop(
      stepMs,
      async () => {
        const now = this.#now();
        const state = this.#clock.at(now);
        const ticks = this.#model.step(now, stepMs * this.#clock.speed, activityAt(state, this.#clock.mode), state.day);
        if (ticks.length > 0) await context.emit(ticks);
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
  }
}

/** A compressed day starts at the regular open, so a fresh demo shows the busy open first. */
function compressedOrigin(exchange: Exchange, now: number, dayMs = 30 * 60_000): number {
  const first = exchange.sessions.pre[0];
  const span = exchange.sessions.post[1] - first;
  return now - ((exchange.sessions.regular[0] - first) / span) * dayMs;
}
