import type { PersonalDataHolder } from '../identity/personal-data.ts';
import type { PortfolioStore } from './store.ts';

/** A user's positions and watchlist, for export and erasure (platform/identity/PROCESSING.md). */
export function portfolioData(store: PortfolioStore): PersonalDataHolder {
  return {
    name: 'portfolio',
    export: ({ actor }) => ({ positions: store.positions(actor), watchlist: store.watchlist(actor) }),
    erase: ({ actor }) => store.erase(actor),
  };
}
