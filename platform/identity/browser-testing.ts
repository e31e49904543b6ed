import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { alertsService } from '../alerts/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { PlatformControls } from '../runtime/controls.ts';
import { RuntimeSettings } from '../runtime/runtime-settings.ts';
import type { Service } from '../runtime/service.ts';
import { webAppService } from '../web/service.ts';

/**
 * The services the sign-in browser tests need, and no more (the whole platform took half as long again on a loaded
 * machine): the market feed and data (the header's search and live quotes), alerts (the alerts view), the web app.
 */
export function signInTestServices(): Service[] {
  const controls = new PlatformControls(new RuntimeSettings());
  return [marketFeedService({ controls }), marketDataService(), alertsService(), webAppService()];
}
