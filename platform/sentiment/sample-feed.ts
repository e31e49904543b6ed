/**
 * A generated stream of realistic headlines and social posts for the embedded mode: templated news
 * (earnings, analyst actions, guidance, products, legal) and posts (cashtags, slang) about the symbols the
 * platform trades. Each symbol carries a slowly drifting "mood" so its news flow is persistent, as real
 * news is; the mix is about 60% news, 40% social, with neutral items in between. Seeded and deterministic.
 */
import { seededUniform } from '../analytics/synthetic.ts';
import type { TextFeed, TextItem, TextSink } from './feed.ts';

export interface SampleCompany {
  readonly symbol: string;
  readonly name: string;
  readonly sector: string;
}

const positiveNews = [
  '{name} beats estimates as {sector} demand stays strong',
  '{name} raises guidance for the full year',
  '{broker} upgrades {name} to outperform, raises price target',
  '{name} shares surge after record revenue',
  '{name} announces $10 billion share buyback',
  '{name} wins regulatory approval for new product',
  '{name} raises dividend by 8%',
  '{name} stock hits all-time high on strong guidance',
];
const negativeNews = [
  '{name} misses estimates, shares slide',
  '{name} cuts guidance citing weak {sector} demand',
  '{broker} downgrades {name} to underperform',
  '{name} shares plunge after profit warning',
  '{name} faces SEC probe over accounting',
  '{name} announces layoffs amid restructuring',
  '{name} recalls products over safety concerns',
  '{broker} cuts price target on {name} as headwinds mount',
];
const neutralNews = [
  '{name} to report quarterly results next week',
  '{name} names new chief financial officer',
  '{name} schedules investor day for next month',
  '{broker} reiterates neutral rating on {name}',
  '{name} completes previously announced acquisition',
];
const positivePosts = [
  '${symbol} to the moon',
  'loading more ${symbol}, this is going higher',
  '${symbol} breakout, strong volume',
  'bullish on ${symbol} into earnings',
  '${symbol} crushed estimates, love it',
];
const negativePosts = [
  '${symbol} looks terrible, selling',
  'bearish on ${symbol}, guidance was weak',
  '${symbol} bagholders again',
  '${symbol} tanking hard today',
  'not buying ${symbol} after that miss',
];
const neutralPosts = [
  'anyone watching ${symbol} today?',
  '${symbol} earnings on Thursday',
  'what is the play on ${symbol}',
  '${symbol} flat so far',
];
const brokers = ['Morgan Stanley', 'Goldman Sachs', 'JPMorgan', 'Barclays', 'UBS', 'Citi', 'Jefferies', 'Bernstein'];

export interface SampleFeedOptions {
  /** The companies to write about, asked again for each item (the traded set can change). */
  readonly companies: () => readonly SampleCompany[];
  /** Mean milliseconds between items. */
  readonly meanIntervalMs: number;
  readonly seed: number;
  readonly now?: () => number;
}

export class SampleTextGenerator {
  private readonly random: () => number;
  private readonly moods = new Map<string, number>();
  private counter = 0;

  constructor(seed: number) {
    this.random = seededUniform(seed);
  }

  next(company: SampleCompany, ts: number): TextItem {
    // Mood: a mean-reverting random walk in [-1, 1] that tilts the tone of the symbol's news.
    const mood = Math.max(
      -1,
      Math.min(1, 0.97 * (this.moods.get(company.symbol) ?? 0) + 0.2 * (this.random() * 2 - 1)),
    );
    this.moods.set(company.symbol, mood);
    const u = this.random();
    const tone = u < 0.2 ? 'neutral' : u < 0.2 + 0.4 * (1 + mood) ? 'positive' : 'negative';
    const social = this.random() < 0.4;
    const pool = social
      ? tone === 'positive'
        ? positivePosts
        : tone === 'negative'
          ? negativePosts
          : neutralPosts
      : tone === 'positive'
        ? positiveNews
        : tone === 'negative'
          ? negativeNews
          : neutralNews;
    const template = pool[Math.floor(this.random() * pool.length)] ?? '';
    const text = template
      .replaceAll('{name}', company.name)
      .replaceAll('{sector}', company.sector.toLowerCase())
      .replaceAll('{broker}', brokers[Math.floor(this.random() * brokers.length)] ?? 'An analyst')
      .replaceAll('{symbol}', company.symbol);
    this.counter++;
    return {
      id: `sample-${this.counter}`,
      kind: social ? 'social' : 'news',
      source: social ? 'sample-social' : 'sample-newswire',
      text,
      symbols: [company.symbol],
      ts,
    };
  }

  pick(companies: readonly SampleCompany[]): SampleCompany | undefined {
    return companies[Math.floor(this.random() * companies.length)];
  }

  /** Exponential waiting time with the given mean (a Poisson stream). */
  wait(meanMs: number): number {
    return -Math.log(1 - this.random()) * meanMs;
  }
}

export class SampleTextFeed implements TextFeed {
  readonly name = 'sample';
  private readonly options: SampleFeedOptions;
  private readonly generator: SampleTextGenerator;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: SampleFeedOptions) {
    this.options = options;
    this.generator = new SampleTextGenerator(options.seed);
  }

  start(sink: TextSink): void {
    const now = this.options.now ?? Date.now;
    const schedule = (): void => {
      this.timer = setTimeout(() => {
        const company = this.generator.pick(this.options.companies());
        if (company) sink(this.generator.next(company, now()));
        schedule();
      }, this.generator.wait(this.options.meanIntervalMs));
      this.timer.unref();
    };
    schedule();
  }

  stop(): Promise<void> {
    clearTimeout(this.timer);
    return Promise.resolve();
  }
}
