import type { TopicInput } from '../../../platform/backbone/topics.ts';
import type { Instrument, Sector } from '../../../platform/reference/instruments.ts';
import type { Activity } from './intraday-profile.ts';
import { gaussianSource, seededRandom } from '../../../platform/random/seeded.ts';
import { poisson } from './random.ts';

export type Tick = TopicInput<'market.ticks'>;

/** Regular-session milliseconds in a trading year (252 days of 6.5 hours): volatility is quoted per this time. */
export const TRADING_YEAR_MS = 252 * 6.5 * 3_600_000;

export type Regime = 'calm' | 'turbulent';

/** The state a restart continues from. */
export interface ModelSnapshot {
  readonly mids: Readonly<Record<string, number>>;
  readonly regime: Regime;
  /** The trading-day counter of the last step (an overnight gap follows when the next step's differs). */
  readonly day?: number;
}

export interface ModelParameters {
  /** Annualised volatility of the market factor. */
  readonly marketVolatility: number;
  /** Share of a stock's variance that comes from its sector factor. */
  readonly sectorShare: number;
  /** Two-state Markov switching of volatility: transition rates per trading day and the turbulent multiplier. */
  readonly regimes: {
    readonly calmToTurbulentPerDay: number;
    readonly turbulentToCalmPerDay: number;
    readonly turbulentMultiplier: number;
  };
  /** Merton jumps: arrival rates per year, log-size mean and standard deviation. */
  readonly jumps: {
    readonly marketPerYear: number;
    readonly marketMean: number;
    readonly marketSd: number;
    readonly idiosyncraticPerYear: number;
    readonly idiosyncraticSd: number;
  };
  /** Share of a trading day's variance that arrives overnight, applied as a gap at the next session. */
  readonly overnightVarianceShare: number;
}

export const defaultParameters: ModelParameters = {
  marketVolatility: 0.16,
  sectorShare: 0.25,
  regimes: { calmToTurbulentPerDay: 1 / 40, turbulentToCalmPerDay: 1 / 8, turbulentMultiplier: 2.5 },
  jumps: { marketPerYear: 1.5, marketMean: -0.01, marketSd: 0.02, idiosyncraticPerYear: 3, idiosyncraticSd: 0.04 },
  overnightVarianceShare: 0.25,
};

/** Factor loadings of one instrument, as annualised volatilities: r = m·zM + s·zSector + e·zOwn. */
export interface Loadings {
  readonly market: number;
  readonly sector: number;
  readonly idiosyncratic: number;
}

/**
 * A one-market, many-sector factor model: the market factor scaled by beta; the sector factor carrying
 * `sectorShare` of a stock's variance (a sector ETF carries all of its non-market variance, a broad-market
 * ETF none); the idiosyncratic rest of the instrument's volatility, at least a floor so no stock is a pure
 * factor play. Its correlation matrix is block-structured by sector.
 */
export function loadings(instrument: Instrument, parameters: ModelParameters = defaultParameters): Loadings {
  const variance = instrument.volatility ** 2;
  const market = instrument.beta * parameters.marketVolatility;
  const nonMarket = Math.max(0, variance - market ** 2);
  const sectorVariance =
    instrument.sector === 'Broad Market'
      ? 0
      : instrument.kind === 'etf'
        ? 0.9 * nonMarket
        : Math.min(parameters.sectorShare * variance, nonMarket);
  const floor = (instrument.kind === 'etf' ? 0.1 : 0.3) * instrument.volatility;
  return {
    market,
    sector: Math.sqrt(sectorVariance),
    idiosyncratic: Math.sqrt(Math.max(nonMarket - sectorVariance, floor ** 2)),
  };
}

/** The correlation of two instruments' returns that the model implies (same regime, no jumps). */
export function impliedCorrelation(
  a: Instrument,
  b: Instrument,
  parameters: ModelParameters = defaultParameters,
): number {
  if (a.symbol === b.symbol) return 1;
  const la = loadings(a, parameters);
  const lb = loadings(b, parameters);
  const sectorCov = a.sector === b.sector ? la.sector * lb.sector : 0;
  const variance = (l: Loadings): number => l.market ** 2 + l.sector ** 2 + l.idiosyncratic ** 2;
  return (la.market * lb.market + sectorCov) / Math.sqrt(variance(la) * variance(lb));
}

interface SymbolState {
  readonly instrument: Instrument;
  readonly loadings: Loadings;
  readonly sectorIndex: number;
  /** Mean trades per step at intensity 1. */
  readonly tradeRate: number;
  /** Mean shares per trade. */
  readonly meanSize: number;
  readonly spreadBps: number;
  mid: number;
}

export interface MarketModelOptions {
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  /** Mean trades per symbol per step at intensity 1 (liquid names trade more, illiquid less). */
  readonly tradesPerStep?: number;
  /** Regular-session steps per trading day, to size trades so a day's volume matches the average daily volume. */
  readonly stepsPerDay: number;
  readonly parameters?: ModelParameters;
}

const cents = (x: number): number => Math.round(x * 100) / 100;

/**
 * The simulated market, pure and deterministic for a seed: each step draws the factors, switches the
 * volatility regime, adds jumps, moves every mid price, then draws Poisson trade arrivals per symbol
 * with bid/ask quotes around the mid. No I/O and no clock: the caller says when and how active.
 */
export class MarketModel {
  readonly #random: () => number;
  readonly #gaussian: () => number;
  readonly #symbols: SymbolState[];
  readonly #sectorShocks: number[];
  readonly #parameters: ModelParameters;
  #regime: Regime = 'calm';
  #day: number | undefined;

  constructor(options: MarketModelOptions) {
    this.#random = seededRandom(options.seed);
    this.#gaussian = gaussianSource(this.#random);
    this.#parameters = options.parameters ?? defaultParameters;
    const tradesPerStep = options.tradesPerStep ?? 1;
    const sectorIds = new Map<Sector, number>();
    const liquidity = options.instruments.map((i) => Math.sqrt(i.avgDailyVolume));
    const meanLiquidity = liquidity.reduce((a, b) => a + b, 0) / Math.max(1, liquidity.length);
    this.#symbols = options.instruments.map((instrument, n) => {
      if (!sectorIds.has(instrument.sector)) sectorIds.set(instrument.sector, sectorIds.size);
      const tradeRate = (tradesPerStep * (liquidity[n] ?? meanLiquidity)) / meanLiquidity;
      const meanSize = Math.min(50_000, Math.max(100, instrument.avgDailyVolume / (tradeRate * options.stepsPerDay)));
      const spreadBps = 0.3 + 3 / Math.sqrt(instrument.avgDailyVolume / 1_000_000);
      return {
        instrument,
        loadings: loadings(instrument, this.#parameters),
        sectorIndex: sectorIds.get(instrument.sector) ?? 0,
        tradeRate,
        meanSize,
        spreadBps,
        mid: instrument.basePrice,
      };
    });
    this.#sectorShocks = new Array<number>(sectorIds.size).fill(0);
  }

  get regime(): Regime {
    return this.#regime;
  }

  /** Writes the current mids in instrument order into `into` (no allocation: history builds call it per step). */
  copyMids(into: Float64Array): void {
    for (let k = 0; k < this.#symbols.length; k++) into[k] = this.#symbols[k]?.mid ?? 0;
  }

  /** The current mid price of every symbol. */
  mids(): Map<string, number> {
    return new Map(this.#symbols.map((s) => [s.instrument.symbol, s.mid]));
  }

  /**
   * Advances the market by `simDtMs` of trading time at the given activity, on trading day `day`, and
   * returns the trades of the step, stamped `ts`.
   */
  step(ts: number, simDtMs: number, activity: Activity, day: number): Tick[] {
    if (!this.advance(simDtMs, activity, day)) return [];
    return this.#trade(ts, activity);
  }

  /** Moves the prices like `step` without drawing trades (history is built from the mid path); false when closed. */
  advance(simDtMs: number, activity: Activity, day: number): boolean {
    if (activity.intensity <= 0) return false;
    if (this.#day !== undefined && day !== this.#day) this.#move(this.#parameters.overnightVarianceShare / 252, 1);
    this.#day = day;
    const dtYears = simDtMs / TRADING_YEAR_MS;
    this.#switchRegime(dtYears * 252);
    this.#move(dtYears, activity.volatility);
    return true;
  }

  /** What a restart needs to continue this market instead of rewinding to the seed. */
  snapshot(): ModelSnapshot {
    return {
      mids: Object.fromEntries(this.mids()),
      regime: this.#regime,
      ...(this.#day === undefined ? {} : { day: this.#day }),
    };
  }

  /** Continues from a snapshot: known symbols take their saved mid, others keep their reference price. */
  restore(snapshot: ModelSnapshot): void {
    for (const s of this.#symbols) {
      const mid = snapshot.mids[s.instrument.symbol];
      if (mid !== undefined && Number.isFinite(mid) && mid > 0) s.mid = mid;
    }
    this.#regime = snapshot.regime;
    this.#day = snapshot.day;
  }

  #switchRegime(dtDays: number): void {
    const { calmToTurbulentPerDay, turbulentToCalmPerDay } = this.#parameters.regimes;
    const rate = this.#regime === 'calm' ? calmToTurbulentPerDay : turbulentToCalmPerDay;
    if (this.#random() < 1 - Math.exp(-rate * dtDays)) this.#regime = this.#regime === 'calm' ? 'turbulent' : 'calm';
  }

  #move(dtYears: number, volatilityScale: number): void {
    const p = this.#parameters;
    const scale = volatilityScale * (this.#regime === 'turbulent' ? p.regimes.turbulentMultiplier : 1);
    const root = Math.sqrt(dtYears) * scale;
    const variance = dtYears * scale * scale;
    const zMarket = this.#gaussian();
    for (let k = 0; k < this.#sectorShocks.length; k++) this.#sectorShocks[k] = this.#gaussian();
    const marketJump =
      this.#random() < p.jumps.marketPerYear * dtYears ? p.jumps.marketMean + p.jumps.marketSd * this.#gaussian() : 0;
    const idioJumpChance = p.jumps.idiosyncraticPerYear * dtYears;
    for (const s of this.#symbols) {
      const { market, sector, idiosyncratic } = s.loadings;
      const shock =
        market * zMarket + sector * (this.#sectorShocks[s.sectorIndex] ?? 0) + idiosyncratic * this.#gaussian();
      const drift = -0.5 * variance * (market * market + sector * sector + idiosyncratic * idiosyncratic);
      const jump =
        s.instrument.beta * marketJump +
        (this.#random() < idioJumpChance ? p.jumps.idiosyncraticSd * this.#gaussian() : 0);
      s.mid = Math.max(0.05, s.mid * Math.exp(drift + root * shock + jump));
    }
  }

  #trade(ts: number, activity: Activity): Tick[] {
    const ticks: Tick[] = [];
    const regimeSpread = this.#regime === 'turbulent' ? 2 : 1;
    for (const s of this.#symbols) {
      const count = poisson(s.tradeRate * activity.intensity, this.#random, this.#gaussian);
      if (count === 0) continue;
      const spread = Math.max(0.01, cents((s.mid * s.spreadBps * activity.spread * regimeSpread) / 10_000));
      const bid = Math.max(0.01, Math.floor((s.mid - spread / 2) * 100) / 100);
      const ask = cents(bid + spread);
      for (let j = 0; j < count; j++) {
        // Trades print at the bid or the ask (the bid-ask bounce), now and then inside the spread.
        const u = this.#random();
        const price = u < 0.45 ? bid : u < 0.9 ? ask : Math.max(0.01, cents((bid + ask) / 2));
        ticks.push({ symbol: s.instrument.symbol, price, size: this.#size(s.meanSize), bid, ask, ts });
      }
    }
    return ticks;
  }

  /** Log-normal trade sizes around the mean; round lots above 100 shares, odd lots below. */
  #size(mean: number): number {
    const shares = mean * Math.exp(0.8 * this.#gaussian() - 0.32);
    return shares >= 100 ? Math.round(shares / 100) * 100 : Math.max(1, Math.round(shares));
  }
}
