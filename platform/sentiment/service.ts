/**
 * The sentiment service: takes texts from its feeds (the generated sample stream in embedded mode, real
 * feeds later, and POST /api/sentiment/texts), scores them with the finance lexicon, aggregates per symbol
 * with time decay, publishes each score on `sentiment.scores` and serves REST under /api/sentiment.
 */
import { Counter } from 'prom-client';
import type { Subscription } from '../backbone/bus.ts';
import { HttpError } from '../http/errors.ts';
import { openApi } from '../http/openapi.ts';
import { instrumentBySymbol, instruments } from '../reference/instruments.ts';
import type { Service, ServiceContext } from '../runtime/service.ts';
import { SentimentAggregator } from './aggregate.ts';
import type { TextFeed, TextItem } from './feed.ts';
import { describeSentimentRoutes } from './openapi.ts';
import { scoreQuery, symbolParam, textsBody } from './requests.ts';
import { SampleTextFeed, type SampleCompany } from './sample-feed.ts';
import { cashtags, FinanceSentiment } from './scorer.ts';

export interface SentimentServiceOptions {
  /** Feeds to run; default: the generated sample stream about the traded symbols. */
  readonly feeds?: (companies: () => readonly SampleCompany[]) => readonly TextFeed[];
  readonly halfLifeMs?: number;
  /** Recent scored texts kept per symbol for the REST API. */
  readonly keepPerSymbol?: number;
  readonly sampleIntervalMs?: number;
  readonly now?: () => number;
}

export interface ScoredText {
  readonly id: string;
  readonly symbol: string;
  readonly kind: 'news' | 'social';
  readonly source: string;
  readonly text: string;
  readonly score: number;
  readonly aggregate: number;
  readonly ts: number;
}

export function sentimentService(options: SentimentServiceOptions = {}): Service {
  const now = options.now ?? Date.now;
  const scorer = new FinanceSentiment();
  const aggregator = new SentimentAggregator({ halfLifeMs: options.halfLifeMs ?? 30 * 60_000 });
  const recent = new Map<string, ScoredText[]>();
  const seenIds = new Set<string>();
  const seenOrder: string[] = [];
  const traded = new Set<string>();
  const subscriptions: Subscription[] = [];
  let feeds: readonly TextFeed[] = [];

  return {
    name: 'sentiment',
    async start(ctx: ServiceContext) {
      const texts = new Counter({
        name: 'insitechart_sentiment_texts_total',
        help: 'texts scored, by kind and where they came from (a feed by name, or api)',
        labelNames: ['kind', 'source'],
        registers: [ctx.metrics],
      });
      const rejected = new Counter({
        name: 'insitechart_sentiment_texts_rejected_total',
        help: 'texts dropped: duplicate id, or no known symbol',
        labelNames: ['reason'],
        registers: [ctx.metrics],
      });
      const publishErrors = new Counter({
        name: 'insitechart_sentiment_publish_errors_total',
        help: 'scores that could not be published',
        registers: [ctx.metrics],
      });

      /**
       * Scores an item for each of its symbols; returns what it published. `origin` (a feed's name or 'api') labels
       * the metric, never the item's own `source`: label values come from a fixed set, not from input.
       */
      const ingest = async (item: TextItem, origin: string): Promise<ScoredText[]> => {
        if (seenIds.has(`${item.source}/${item.id}`)) {
          rejected.inc({ reason: 'duplicate' });
          return [];
        }
        seenIds.add(`${item.source}/${item.id}`);
        seenOrder.push(`${item.source}/${item.id}`);
        if (seenOrder.length > 100_000) seenIds.delete(seenOrder.shift() ?? '');
        // Only instruments we know: per-symbol state (aggregates, recent texts) must not grow with invented tickers.
        const symbols = (item.symbols ?? cashtags(item.text)).filter((sym) => instrumentBySymbol(sym) !== undefined);
        if (symbols.length === 0) {
          rejected.inc({ reason: 'no_symbol' });
          return [];
        }
        const { score } = scorer.score(item.text);
        texts.inc({ kind: item.kind, source: origin });
        const out: ScoredText[] = [];
        for (const symbol of symbols) {
          const agg = aggregator.add(symbol, score, item.ts);
          const scored = {
            id: item.id,
            symbol,
            kind: item.kind,
            source: item.source,
            text: item.text,
            score,
            aggregate: agg.aggregate,
            ts: item.ts,
          };
          const list = recent.get(symbol) ?? [];
          list.push(scored);
          if (list.length > (options.keepPerSymbol ?? 50)) list.shift();
          recent.set(symbol, list);
          out.push(scored);
          try {
            await ctx.bus.publish('sentiment.scores', { key: symbol, data: scored, source: 'platform/sentiment' });
          } catch (error) {
            publishErrors.inc();
            ctx.logger.warn({ err: error, symbol }, 'publishing a sentiment score failed');
          }
        }
        return out;
      };

      // The sample stream writes about the symbols actually traded (seen on market.bars), else the first instruments.
      subscriptions.push(
        await ctx.bus.subscribe({
          group: 'sentiment-symbols',
          topic: 'market.bars',
          from: 'latest',
          handler: (delivery) => {
            traded.add(delivery.envelope.data.symbol);
          },
        }),
      );
      const companies = (): SampleCompany[] => {
        const symbols =
          traded.size > 0 ? [...traded] : instruments.slice(0, ctx.config.market.symbols).map((i) => i.symbol);
        return symbols.map((symbol) => {
          const ins = instrumentBySymbol(symbol);
          return { symbol, name: ins?.name ?? symbol, sector: ins?.sector ?? 'market' };
        });
      };
      feeds = options.feeds?.(companies) ?? [
        new SampleTextFeed({ companies, meanIntervalMs: options.sampleIntervalMs ?? 1_500, seed: 42, now }),
      ];
      for (const feed of feeds) {
        feed.start((item) => {
          ingest(item, feed.name).catch((error: unknown) => {
            ctx.logger.error({ err: error, feed: feed.name }, 'ingesting a text failed');
          });
        });
      }

      ctx.api.get('/sentiment', (_req, res) => {
        res.json({ asOf: now(), symbols: aggregator.all(now()) });
      });
      ctx.api.get('/sentiment/score', (req, res) => {
        const { text } = scoreQuery.parse(req.query);
        res.json({ text, ...scorer.score(text) });
      });
      ctx.api.get('/sentiment/:symbol', (req, res) => {
        const symbol = symbolParam.parse(req.params.symbol);
        const current = aggregator.get(symbol, now());
        if (current === undefined) throw new HttpError(404, `unknown symbol ${symbol}: no texts about it yet`);
        res.json({ ...current, recent: [...(recent.get(symbol) ?? [])].reverse() });
      });
      ctx.api.post('/sentiment/texts', async (req, res) => {
        const items = textsBody.parse(req.body);
        const list = Array.isArray(items) ? items : [items];
        const scored: ScoredText[] = [];
        for (const item of list) scored.push(...(await ingest(item, 'api')));
        res.status(202).json({ accepted: list.length, scored });
      });
      describeSentimentRoutes(openApi);
    },
    async stop() {
      await Promise.all(feeds.map((f) => f.stop()));
      await Promise.all(subscriptions.splice(0).map((s) => s.close('drain')));
    },
  };
}
