/**
 * The page's first-start milestones on its performance timeline (`insitechart:<name>`, each the first time only): the
 * script running, the stream's welcome, who-am-I answered, the app rendered, the chart's first series drawn. Tools
 * read them with `performance.getEntriesByType('mark')` (npm run bench -- first-start prints them).
 */
const reached = new Set<string>();

export function milestone(name: string): void {
  if (reached.has(name) || typeof performance === 'undefined') return;
  reached.add(name);
  performance.mark(`insitechart:${name}`);
}

/**
 * The last interval switch on the timeline (`insitechart-switch:<step>`, replaced at each switch): the button
 * pressed (`asked`), bars first drawn for it (`drawn`: held, made from a finer series, or the server's), the server's
 * snapshot in (`server`). The chart's `data-drawn-from` says which drew first.
 */
export function switchStep(step: 'asked' | 'drawn' | 'server'): void {
  if (typeof performance === 'undefined') return;
  performance.clearMarks(`insitechart-switch:${step}`);
  performance.mark(`insitechart-switch:${step}`);
}
