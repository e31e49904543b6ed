/** Enough PromQL reading for the tests: the metric names a query selects, and its dashboard variables filled. */

const keywords = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** Metric names selected by a query (not functions, label names, keywords or label values). */
export function metricNames(query: string): string[] {
  const bare = query
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(?!\w)(\s*\()?/g)) {
    const [, name, call] = match;
    if (name === undefined || call !== undefined || keywords.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** The query as Grafana would send it with every variable on "All" and a rate interval of `rateInterval`. */
export function fillVariables(query: string, rateInterval: string): string {
  return query
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$environment', '.*')
    .replaceAll('$service', '.*')
    .replaceAll('$instance', '.*');
}
