import './styles.css';
import { browserEnvironment } from './browser-environment.ts';
import { MarketConnection } from './connection.ts';
import { connectionIndicator, problemBanner } from './connection-indicator.ts';
import { h } from './dom.ts';
import { direction, language, messagesReady, t } from './i18n/i18n.ts';
import { keepLastQuotes } from './last-quotes.ts';
import { LiveInstruments } from './live-instruments.ts';
import { milestone } from './milestones.ts';
import { parseRoute } from './route.ts';
import { Router } from './router.ts';
import { Session } from './session.ts';
import { settingsMenu } from './settings.ts';
import { reportClientMetrics } from './telemetry.ts';
import { Toasts } from './toast.ts';
import { userMenu } from './user-menu.ts';
import { PriceAlerts } from './views/price-alerts/client.ts';
import { MarketStore } from './store.ts';
import { Watchlist } from './watchlist.ts';
import { views } from './views/index.ts';
import { marketsView } from './views/markets/view.ts';
import { CHART_OWNER, chartSelection, chartWants } from './views/markets/selection.ts';
import { noSubscriptions } from './subscriptions.ts';

milestone('script');
const store = new MarketStore();
const watchlist = new Watchlist(window.localStorage);
const connection = new MarketConnection({
  url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
  environment: browserEnvironment,
});
connection.listen({
  message: (message) => {
    store.apply(message);
  },
  welcome: () => {
    milestone('welcome');
  },
});

// The watchlist's quotes stay subscribed whatever view is shown, so every view sees them live.
const wantWatchlist = (symbols: readonly string[]) => {
  connection.want('watchlist', { quotes: new Set(symbols), bars: new Set() });
};
wantWatchlist(watchlist.symbols);
watchlist.listen(wantWatchlist);
// A markets link's chart is asked for with the stream's hello, before who-am-I answers and the view exists.
const opening = parseRoute(location.hash, views);
if (opening.id === marketsView.id)
  connection.want(CHART_OWNER, chartWants(chartSelection(opening.params, undefined, watchlist.symbols)));
keepLastQuotes(store, watchlist, window.localStorage);

document.documentElement.lang = language;
document.documentElement.dir = direction;

const session = new Session();
const live = new LiveInstruments();

/**
 * The service worker makes the installed app open offline; without one (old browsers) the app needs the network. It is
 * registered once the first view is up and the page idle: its install (a thread started, the shell fetched again)
 * must not compete with the first chart for the device's CPU.
 */
function registerWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js').catch((error: unknown) => {
      console.warn('service worker not registered', error);
    });
  };
  // Safari before 18 has no requestIdleCallback.
  const idle = (window as Partial<Pick<Window, 'requestIdleCallback'>>).requestIdleCallback;
  if (idle === undefined) window.setTimeout(register, 1_000);
  else idle.call(window, register, { timeout: 3_000 });
}
const outlet = h('main', { id: 'main', tabindex: '-1' });

function showApp(): void {
  const me = session.me;
  // Built once the identity is known: views the role may not see are left out.
  const priceAlerts = new PriceAlerts(session, window.localStorage);
  const toasts = new Toasts();
  priceAlerts.listen({
    fired: (event) => {
      toasts.show(t('priceAlerts.firedTitle', { symbol: event.symbol }), event.message);
    },
  });
  const router = new Router(views, outlet, { connection, store, watchlist, session, priceAlerts, live });
  const simulated = h('span', { class: 'badge simulated', hidden: '' }, t('app.simulated'));
  live.listen(() => {
    simulated.hidden = live.market?.simulated !== true;
    simulated.title = t('app.simulatedHint', { feed: live.market?.feed ?? '' });
  });
  const header = h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), t('app.name')),
    router.nav,
    simulated,
    connectionIndicator(connection),
    settingsMenu(),
    userMenu(session),
  );
  const skip = h('a', { class: 'skip-link', href: '#main' }, t('app.skipToContent'));
  skip.addEventListener('click', (event) => {
    event.preventDefault(); // the hash is the router's: move focus instead of navigating
    outlet.focus();
  });
  document.body.replaceChildren(skip, header, problemBanner(connection), outlet, toasts.element);
  // Without public market data (or with a one-time password to replace) there is nothing to show before sign-in.
  const mustSignIn = (me.kind === 'anonymous' && !me.publicMarketData) || me.mustChangePassword;
  if (mustSignIn) location.hash = '#/sign-in';
  router.start();
  // Another view opened meanwhile (or the sign-in): the chart asked for at the start is not shown.
  if (router.shown !== marketsView.id) connection.want(CHART_OWNER, noSubscriptions);
  milestone('rendered');
  registerWorker();
  if (mustSignIn) {
    connection.stop();
    return;
  }
  live.load();
  priceAlerts.start();
}
// The live stream does not wait for who-am-I and the app's first render: it authenticates with the same cookie, so
// the chart's history is on its way while the page is built (on a first start, the critical path to a full chart).
// The first render waits for who-am-I and the language's messages (fetched since i18n.ts ran), whichever is last.
reportClientMetrics(connection);
connection.start();
const identified = session.load().then(
  () => {
    milestone('identity');
  },
  () => undefined, // the app shows itself anyway (signed out, or offline with the kept answer)
);
Promise.all([identified, messagesReady])
  .then(showApp)
  .catch((error: unknown) => {
    console.error('the app could not be shown', error);
  });
