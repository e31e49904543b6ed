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
