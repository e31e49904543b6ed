import { h } from './dom.ts';
import { t } from './i18n/i18n.ts';
import { parseRoute } from './route.ts';
import type { AppContext, MountedView, View } from './views/view.ts';

/** Shows one view at a time in `outlet`, following the location hash, and renders the navigation. */
export class Router {
  readonly nav: HTMLElement;
  readonly #views: readonly View[];
  readonly #outlet: HTMLElement;
  readonly #context: AppContext;
  readonly #links = new Map<string, HTMLAnchorElement>();
  #current: { id: string; mounted: MountedView } | undefined;

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
    if (this.#current?.id === route.id) {
      this.#current.mounted.update?.(route.params);
      return;
    }
    this.#current?.mounted.unmount();
    const view = this.#views.find((v) => v.id === route.id);
    if (view === undefined) return;
    const title = t(view.title);
    const container = h('section', { class: `view view-${view.id}`, 'data-view': view.id, 'aria-label': title });
    this.#outlet.replaceChildren(container);
    this.#current = { id: view.id, mounted: view.mount(container, this.#context, route.params) };
    document.title = t('app.documentTitle', { title });
    for (const [id, link] of this.#links) {
      if (id === view.id) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }
}
