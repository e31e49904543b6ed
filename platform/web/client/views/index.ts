import type { View } from './view.ts';
import { marketsView } from './markets/view.ts';
import { messages as incidentMessages } from './incident/messages.ts';
// The lazily loaded views' styles stay in the one stylesheet: a chunk's CSS is not loaded with it.
import './alerts/alerts.css';
import './analytics/analytics.css';
import './incident/incident.css';
import './ops/ops.css';
import './portfolio/portfolio.css';
import './price-alerts/price-alerts.css';

/**
 * Every view, in navigation order; the first is the default route and its code is in the first script. The others'
 * code is fetched on their first show (each its own chunk, precached by the service worker for offline use). Add a
 * view here (see ../../README.md).
 */
export const views: readonly View[] = [
  marketsView,
  {
    id: 'analytics',
    title: 'views.analytics',
    load: async () => (await import('./analytics/view.ts')).analyticsView,
  },
  {
    id: 'portfolio',
    title: 'views.portfolio',
    visible: (session) => session.can('trading:own'),
    load: async () => (await import('./portfolio/view.ts')).portfolioView,
  },
  {
    id: 'price-alerts',
    title: 'views.priceAlerts',
    visible: (session) => session.can('trading:own'),
    load: async () => (await import('./price-alerts/view.ts')).priceAlertsView,
  },
  {
    id: 'alerts',
    title: 'views.incidents',
    visible: (session) => session.can('incidents:act'),
    load: async () => (await import('./alerts/view.ts')).alertsView,
  },
  { id: 'ops', title: 'views.ops', load: async () => (await import('./ops/view.ts')).opsView },
  {
    id: 'sign-in',
    title: 'views.signIn',
    inNavigation: false,
    load: async () => (await import('./sign-in/view.ts')).signInView,
  },
  {
    id: 'incidents',
    title: incidentMessages.title,
    inNavigation: false,
    load: async () => (await import('./incident/view.ts')).incidentView,
  },
];
