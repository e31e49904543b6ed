import type { MarketConnection } from '../connection.ts';
import type { Session } from '../session.ts';
import type { MarketStore } from '../store.ts';
import type { Watchlist } from '../watchlist.ts';

/** What every view may use: the one shared live connection, its data, and the user's watchlist. */
export interface AppContext {
  readonly connection: MarketConnection;
  readonly store: MarketStore;
  readonly watchlist: Watchlist;
  /** Who is signed in and what they may do (actions a role lacks are hidden). */
  readonly session: Session;
}

export interface MountedView {
  /** The route's parameters changed (`#/id?a=b`) while the view stays shown. */
  update?(params: URLSearchParams): void;
  /** Removes listeners, timers and subscriptions (`connection.want(owner, noSubscriptions)`). */
  unmount(): void;
}

/** A page of the app, shown at `#/<id>`. */
export interface View {
  /** Route segment: lower-case letters, digits and dashes. */
  readonly id: string;
  /** Shown in the navigation and the document title. */
  readonly title: string;
  /** False: reachable by its route only, not listed in the navigation. */
  readonly inNavigation?: false;
  mount(container: HTMLElement, context: AppContext, params: URLSearchParams): MountedView;
}
