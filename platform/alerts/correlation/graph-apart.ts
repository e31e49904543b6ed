import type { ServiceGraph } from './service-graph.ts';

/**
 * Whether the traces say two sets of values are apart: both name services the platform has seen in its
 * traces, and none of one's is within `hops` calls of the other's. A cause's alerts reach each other along
 * calls (callers of what failed); two concurrent causes that share a node or a pod by chance often do not.
 * Nothing known on either side says nothing.
 */
export function apartInGraph(
  graph: ServiceGraph | undefined,
  a: Iterable<string>,
  b: Iterable<string>,
  hops: number,
): boolean {
  if (graph === undefined || graph.size === 0) return false;
  const reach = graph.within(a, hops);
  if (reach.size === 0) return false;
  let known = false;
  for (const v of b) {
    if (reach.has(v)) return false;
    known ||= graph.knows(v);
  }
  return known;
}
