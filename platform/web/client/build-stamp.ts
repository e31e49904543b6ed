/**
 * What a page left open across a deploy does (DOM-free: the build and the tests use it; new-build.ts acts on it). Its
 * lazily loaded view chunks are gone from the new server; when one cannot be fetched the page asks the server for its
 * build (`BUILD_PATH`, never answered by the service worker) and, if it is another one, reloads: the route (view and
 * its parameters) is in the location's hash, the watchlist, language and settings in localStorage, so a reload keeps
 * them; the view being left would have been unmounted by the switch anyway.
 */
export const BUILD_PATH = '/build.json';
/** index.html's `<meta name=...>` carrying the page's build. */
export const BUILD_META = 'insitechart-build';

export type StaleAction = 'reload' | 'offer' | 'none';

/**
 * What to do after a chunk of `page`'s build could not be fetched, the server now running `server` (undefined:
 * unknown), a reload having been made for `reloadedFor` in this tab. `none`: the same build, or unknown (offline), so
 * a failure of the network, said as such; `offer`: a reload for that build was made and did not bring it (no loop).
 */
export function staleAction(
  page: string | undefined,
  server: string | undefined,
  reloadedFor: string | null,
): StaleAction {
  if (page === undefined || server === undefined || page === server) return 'none';
  return reloadedFor === server ? 'offer' : 'reload';
}
