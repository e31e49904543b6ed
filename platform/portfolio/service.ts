import { join } from 'node:path';
import { LiveUniverse } from '../market-data/live-universe.ts';
import type { Service, ServiceContext } from '../runtime/service.ts';
import { openApi } from '../http/openapi.ts';
import { describePortfolioRoutes } from './openapi.ts';
import { PortfolioPrices } from './prices.ts';
import { portfolioRoutes } from './routes.ts';
import { PortfolioStore } from './store.ts';
import { portfolioData } from './personal-data.ts';

/**
 * Portfolios and watchlists: each user's positions (SQLite), valued at live prices with P&L, returns and
 * drawdown, CSV import and export; only instruments with a live source are taken.
 */
export function portfolioService(): Service {
  let store: PortfolioStore | undefined;
  const prices = new PortfolioPrices();
  const universe = new LiveUniverse();
  return {
    name: 'portfolio',
    async start(ctx: ServiceContext) {
      store = new PortfolioStore(join(ctx.config.dataDir, 'portfolio', 'portfolio.db'));
      await universe.follow(ctx.bus, 'portfolio-universe');
      await prices.follow(ctx.bus);
      portfolioRoutes(ctx.api, { store, prices, universe });
      describePortfolioRoutes(openApi);
      ctx.personalData?.register(portfolioData(store));
    },
    async stop() {
      await universe.close();
      await prices.close();
      store?.close();
      store = undefined;
    },
  };
}
