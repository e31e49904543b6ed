import { alertsView } from './alerts/view.ts';
import { analyticsView } from './analytics/view.ts';
import { marketsView } from './markets/view.ts';
import { opsView } from './ops/view.ts';
import { priceAlertsView } from './price-alerts/view.ts';
import { signInView } from './sign-in/view.ts';
import type { View } from './view.ts';

/** Every view, in navigation order; the first is the default route. Add a view here (see ../../README.md). */
export const views: readonly View[] = [marketsView, analyticsView, priceAlertsView, alertsView, opsView, signInView];
