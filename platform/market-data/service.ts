import { z } from 'zod';
import type { Subscription } from '../backbone/bus.ts';
import { HttpError } from '../http/errors.ts';
import type { Service, ServiceContext } from '../runtime/service.ts';
import { QuoteBook } from './quote-book.ts';
import { QuoteStream } from './quote-stream.ts';

const symbolParam = z.string().regex(/^[A-Za-z0-9.^=-]{1,15}$/, 'must be a ticker symbol of 1 to 15 letters, digits or .^=-');

/** Market data: consumes ticks from the backbone and serves the latest quotes over REST and WebSocket. */
export function marketDataService(): Service {
  const book = new QuoteBook();
  const stream = new QuoteStream('/ws', (symbol) => book.get(symbol));
  let subscription: Subscription | undefined;
  return {
    name: 'market-data',
    async start(ctx: ServiceContext) {
      subscription = await ctx.bus.subscribe({
        group: 'market-data',
        topic: 'market.ticks',
        from: 'latest',
        handler: (delivery) => {
          const tick = delivery.envelope.data;
          if (!book.apply(tick)) return;
          const quote = book.get(tick.symbol);
          if (quote !== undefined) stream.publish(quote);
        },
      });
      ctx.websockets.add('/ws', (socket, connection) => {
        stream.connect(socket, connection);
      });
      ctx.api.get('/quotes', (_req, res) => {
        res.json({ quotes: book.all() });
      });
      ctx.api.get('/quotes/:symbol', (req, res) => {
        const symbol = symbolParam.parse(req.params.symbol).toUpperCase();
        const quote = book.get(symbol);
        if (quote === undefined) throw new HttpError(404, `unknown symbol ${symbol}: no quote received yet`);
        res.json(quote);
      });
    },
    async stop() {
      await subscription?.close('drain');
    },
  };
}
