import './styles.css';
import { browserEnvironment } from './browser-environment.ts';
import { MarketConnection } from './connection.ts';
import { connectionIndicator, problemBanner } from './connection-indicator.ts';
import { h } from './dom.ts';
import { Router } from './router.ts';
import { Session } from './session.ts';
import { reportClientMetrics } from './telemetry.ts';
import { userMenu } from './user-menu.ts';
import { MarketStore } from './store.ts';
import { Watchlist } from './watchlist.ts';
import { views } from './views/index.ts';

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
});

// The watchlist's quotes stay subscribed whatever view is shown, so every view sees them live.
const wantWatchlist = (symbols: readonly string[]) => {
  connection.want('watchlist', { quotes: new Set(symbols), bars: new Set() });
};
wantWatchlist(watchlist.symbols);
watchlist.listen(wantWatchlist);

const session = new Session();
const outlet = h('main', { id: 'main' });
const router = new Router(views, outlet, { connection, store, watchlist, session });

function showApp(): void {
  const me = session.me;
  const header = h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'InsiteChart'),
    router.nav,
    connectionIndicator(connection),
    userMenu(session),
  );
  document.body.replaceChildren(header, problemBanner(connection), outlet);
  // Without public market data (or with a one-time password to replace) there is nothing to show before sign-in.
  const mustSignIn = (me.kind === 'anonymous' && !me.publicMarketData) || me.mustChangePassword;
  if (mustSignIn) location.hash = '#/sign-in';
  router.start();
  if (mustSignIn) return;
  reportClientMetrics(connection);
  connection.start();
}
session.load().then(showApp, showApp);
