/**
 * The API reads kept for offline use (the identity, so an offline start shows the user's views; the live instruments,
 * what may be offered; the user's price alerts) and the cache that keeps them. The service worker keeps the answers it
 * serves; the page keeps the ones it got before a worker controlled it.
 */
export const API_CACHE = 'api-v1';
export const KEPT_READS = /^\/api\/(identity\/me|market\/instruments|price-alerts(\/events)?)$/;

/** Whether the page's own requests pass through no service worker (a first visit: the worker is still installing). */
function uncontrolled(): boolean {
  return 'serviceWorker' in navigator && navigator.serviceWorker.controller === null && 'caches' in window;
}

/**
 * fetch(), keeping the answer of a kept read that no service worker saw: asking again once the worker takes over
 * would double a first visit's requests.
 */
export async function fetchKept(path: string, init: RequestInit): Promise<Response> {
  const method = init.method ?? 'GET';
  const keep = method === 'GET' && KEPT_READS.test(new URL(path, location.href).pathname) && uncontrolled();
  const response = await fetch(path, init);
  if (keep && response.ok) {
    const copy = response.clone();
    caches
      .open(API_CACHE)
      .then((cache) => cache.put(path, copy))
      .catch((error: unknown) => {
        console.warn('could not keep a read for offline use', error);
      });
  }
  return response;
}

/** Forgets the kept reads (signing out): the next user of this device must not see them offline. */
export async function forgetKeptReads(): Promise<void> {
  if (!('caches' in window)) return;
  // Signing out goes on when the cache cannot be opened (storage disabled): its server session still ends.
  await caches.delete(API_CACHE).catch((error: unknown) => {
    console.warn('kept reads not forgotten', error);
  });
}
