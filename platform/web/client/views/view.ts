import type { MarketConnection } from '../connection.ts';
import type { Session } from '../session.ts';
import type { LiveInstruments } from '../live-instruments.ts';
import type { MarketStore } from '../store.ts';
import type { PriceAlerts } from './price-alerts/client.ts';
import type { Watchlist } from '../watchlist.ts';

/** What every view may use: the one shared live connection, its data, and the user's watchlist. */
export interface AppContext {
  readonly connection: MarketConnection;
  readonly store: MarketStore;
  readonly watchlist: Watchlist;
  /** Who is signed in and what they may do (actions a role lacks are hidden). */
  readonly session: Session;
  /** The user's price alerts (rules, queued, fired), shared by the chart and the price-alerts view. */
  readonly priceAlerts: PriceAlerts;
  /** The instruments with live data here: views offer only these and say "no data" for others. */
  readonly live: LiveInstruments;
}

export interface MountedView {
  /** The route's parameters changed (`#/id?a=b`) while the view stays shown. */
  update?(params: URLSearchParams): void;
  /** Removes listeners, timers and subscriptions (`connection.want(owner, noSubscriptions)`). */
  unmount(): void;
}

/** What the navigation and the router know of a page before its code is loaded. */
export interface ViewRoute {
  /** Route segment: lower-case letters, digits and dashes. */
  readonly id: string;
  /** The i18n key of its name, shown in the navigation and the document title (i18n/locales/en.json). */
  readonly title: string;
  /** Whether the signed-in identity may see it at all (operations views: operator roles only); default yes. */
  readonly visible?: (session: Session) => boolean;
  /** False: reachable by its route only, not listed in the navigation. */
  readonly inNavigation?: false;
}

/** A page's code: what draws it. */
export interface ViewCode {
  mount(container: HTMLElement, context: AppContext, params: URLSearchParams): MountedView;
}

/**
 * A page of the app, shown at `#/<id>`: its code in the first script (the markets view, the default route), or in a
 * chunk of its own fetched on its first show (`load`), so the first chart waits for no other view's code.
 */
export type View = ViewRoute & (ViewCode | { load(): Promise<ViewCode> });
