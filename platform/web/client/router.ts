import { h } from './dom.ts';
import { t } from './i18n/i18n.ts';
import type { StaleAction } from './build-stamp.ts';
import { recoverFromStaleBuild } from './new-build.ts';
import { parseRoute } from './route.ts';
import type { AppContext, MountedView, View, ViewCode } from './views/view.ts';

/** Shows one view at a time in `outlet`, following the location hash, and renders the navigation. */
export class Router {
  readonly nav: HTMLElement;
  readonly #views: readonly View[];
  readonly #outlet: HTMLElement;
  readonly #context: AppContext;
  readonly #links = new Map<string, HTMLAnchorElement>();
  #current: { id: string; mounted: MountedView } | undefined;
  /** The view the location asks for: a lazily loaded one may still be on its way. */
  #wanted: string | undefined;

  constructor(views: readonly View[], outlet: HTMLElement, context: AppContext) {
    this.#outlet = outlet;
    this.#context = context;
    this.#views = views.filter((v) => v.visible?.(context.session) ?? true);
    this.nav = h('nav', { class: 'views', 'aria-label': t('app.views') });
    for (const view of this.#views) {
      if (view.inNavigation === false) continue;
      const link = h('a', { href: `#/${view.id}`, 'data-view': view.id }, t(view.title));
      this.#links.set(view.id, link);
      this.nav.append(link);
    }
  }

  /** The id of the view shown, if any. */
  get shown(): string | undefined {
    return this.#current?.id;
  }

  start(): void {
    window.addEventListener('hashchange', () => {
      this.#show();
    });
    this.#show();
  }

  #show(): void {
    const route = parseRoute(location.hash, this.#views);
    if (this.#wanted === route.id) {
      if (this.#current?.id === route.id) this.#current.mounted.update?.(route.params);
      return;
    }
    const view = this.#views.find((v) => v.id === route.id);
    if (view === undefined) return;
    this.#wanted = view.id;
    if ('mount' in view) {
      this.#mount(view, view, route.params);
      return;
    }
    // The shown view stays until the next one's code is here (from the service worker's cache once installed).
    view.load().then(
      (code) => {
        // Still wanted and not mounted by an earlier request for it (shown, left and asked for again meanwhile).
        if (this.#wanted === view.id && this.#current?.id !== view.id)
          this.#mount(view, code, parseRoute(location.hash, this.#views).params);
      },
      (error: unknown) => {
        if (this.#wanted !== view.id || this.#current?.id === view.id) return;
        const why = error instanceof Error ? error.message : String(error);
        // A deploy since this page loaded: its chunks are gone; the page reloads into the new build (the shown view
        // stays meanwhile).
        recoverFromStaleBuild()
          .then((action) => {
            if (action === 'reload' || this.#wanted !== view.id || this.#current?.id === view.id) return;
            this.#mount(view, { mount: (container) => failed(container, t(view.title), why, action) }, route.params);
          })
          .catch((failure: unknown) => {
            console.error('the view could not be shown', failure);
          });
      },
    );
  }

  #mount(view: View, code: ViewCode, params: URLSearchParams): void {
    this.#current?.mounted.unmount();
    const title = t(view.title);
    const container = h('section', { class: `view view-${view.id}`, 'data-view': view.id, 'aria-label': title });
    this.#outlet.replaceChildren(container);
    this.#current = { id: view.id, mounted: code.mount(container, this.#context, params) };
    document.title = t('app.documentTitle', { title });
    for (const [id, link] of this.#links) {
      if (id === view.id) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }
}

/**
 * A view whose code could not be fetched, said in its place: offline before the service worker cached it, or (`offer`)
 * a newer build than this page's that a reload did not bring (a button to try again).
 */
function failed(container: HTMLElement, title: string, why: string, action: StaleAction): MountedView {
  if (action === 'offer') {
    const reload = h('button', { type: 'button' }, t('app.reload'));
    reload.addEventListener('click', () => {
      location.reload();
    });
    container.append(h('p', { class: 'notice', role: 'alert' }, t('app.newVersion'), ' ', reload));
  } else container.append(h('p', { class: 'notice', role: 'alert' }, t('app.viewFailed', { what: title, why })));
  return { unmount: () => undefined };
}
