/**
 * Waiting for a page to have drawn its answers, for browser tests: instead of a fixed sleep, no request in flight
 * (nor an answer being read) over two animation frames in a row, then the fonts loaded. The app exposes no readiness
 * flag of its own, so the requests are counted from outside its code.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** The page's requests in flight, the reading of their answers included, as `window.requestsInFlight`. */
const countRequests = `(() => {
  let pending = 0;
  const track = (promise) => {
    pending += 1;
    return promise.finally(() => { pending -= 1; });
  };
  const fetch = window.fetch.bind(window);
  window.fetch = (...args) => track(fetch(...args));
  for (const name of ['json', 'text', 'arrayBuffer', 'blob']) {
    const read = Response.prototype[name];
    Response.prototype[name] = function (...args) { return track(read.apply(this, args)); };
  }
  Object.defineProperty(window, 'requestsInFlight', { get: () => pending });
})()`;

/** Counts the requests of the context's pages (settled needs it): call before the pages open. */
export async function countRequestsIn(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: countRequests });
}

/**
 * Resolves once `selector` is in the page, no request is in flight over two animation frames in a row, and the fonts
 * are loaded. Runs in the page (page.waitForFunction would need eval, which the CSP refuses; an evaluated string does
 * not).
 */
export async function settled(page: Page, selector: string, timeoutMs = 20_000): Promise<void> {
  await page.evaluate(`(async () => {
    if (typeof window.requestsInFlight !== 'number') throw new Error('requests are not counted (countRequestsIn)');
    const deadline = Date.now() + ${String(timeoutMs)};
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    for (let quiet = 0; quiet < 2; ) {
      if (Date.now() > deadline)
        throw new Error(${JSON.stringify(selector)} + ' not settled: ' + String(window.requestsInFlight) + ' in flight');
      await frame();
      quiet = window.requestsInFlight === 0 && document.querySelector(${JSON.stringify(selector)}) !== null ? quiet + 1 : 0;
    }
    await document.fonts.ready;
  })()`);
}
