/**
 * The service worker (built on its own into /sw.js, scope /): the app shell (the page and every chunk: each view and
 * each language) cached at install so the installed app opens offline in any view and language; the reads of
 * kept-reads.ts (who am I, live instruments, price alerts) kept from the last answer for offline use; Web Push shown
 * as notifications. Market data itself comes over the WebSocket and is kept by the page.
 */

import { API_CACHE, KEPT_READS } from './kept-reads.ts';
import { cachesToDelete, SHELL_PREFIX } from './sw-caches.ts';

/** The shell's paths and the build's version, written in by the build (build-pwa.ts). */
declare const SHELL: readonly string[];
declare const VERSION: string;

// The DOM lib has no service-worker types (and the webworker lib conflicts with it): the little used here.
interface SwEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface SwFetchEvent extends SwEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface SwPushEvent extends SwEvent {
  readonly data: { json(): unknown } | null;
}
interface SwNotificationEvent extends SwEvent {
  readonly notification: Notification;
}
interface SwScope {
  addEventListener(type: 'install' | 'activate', listener: (event: SwEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: SwFetchEvent) => void): void;
  addEventListener(type: 'push', listener: (event: SwPushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: SwNotificationEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly location: Location;
  readonly clients: { claim(): Promise<void>; openWindow(url: string): Promise<unknown> };
  readonly registration: { showNotification(title: string, options: NotificationOptions): Promise<void> };
}
const sw = self as unknown as SwScope;

const SHELL_CACHE = `${SHELL_PREFIX}${VERSION}`;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll([...SHELL]))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      // The previous build's shell stays: pages still running it fetch their view chunks from it (sw-caches.ts).
      .then((names) => Promise.all(cachesToDelete(names, SHELL_CACHE, [API_CACHE]).map((n) => caches.delete(n))))
      .then(() => sw.clients.claim()),
  );
});

/** The network's answer, kept in `cache`; without a network, the last kept answer. */
async function networkFirst(request: Request, cacheName: string, fallback?: string): Promise<Response> {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(fallback ?? request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(fallback ?? request);
    if (kept !== undefined) return kept;
    throw error;
  }
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') event.respondWith(networkFirst(request, SHELL_CACHE, '/'));
  else if (url.pathname.startsWith('/assets/') || SHELL.includes(url.pathname))
    event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
  else if (KEPT_READS.test(url.pathname)) event.respondWith(networkFirst(request, API_CACHE));
});

sw.addEventListener('push', (event) => {
  const payload: unknown = event.data?.json();
  const { title, body } =
    typeof payload === 'object' && payload !== null
      ? (payload as { title?: unknown; body?: unknown })
      : { title: undefined, body: undefined };
  event.waitUntil(
    sw.registration.showNotification(typeof title === 'string' ? title : 'InsiteChart', {
      body: typeof body === 'string' ? body : '',
      icon: '/icons/icon-192.png',
      tag: 'price-alert',
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(sw.clients.openWindow('/#/price-alerts'));
});
