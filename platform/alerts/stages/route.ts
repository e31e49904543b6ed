import type { RawRoute } from '../config/schema.ts';
import { parseDuration } from '../durations.ts';
import { parseMatcher, matchesAll, type Matcher } from '../matchers.ts';
import type { Labels } from '../model.ts';

/** A routing-tree node with every inherited setting resolved, as Alertmanager builds it. */
export interface RouteNode {
  /** Position in the tree ("0", "0.1", "0.1.0"): stable as long as the tree is. */
  readonly id: string;
  readonly receiver: string;
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  /** Label names alerts are grouped by; 'all' is Alertmanager's `...` (every label set its own group). */
  readonly groupBy: readonly string[] | 'all';
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly routes: readonly RouteNode[];
}

/** Alertmanager's defaults. */
const defaults = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 };

function ms(value: string | number | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new Error(`${where}: "${value}" is not a duration`);
  return parsed;
}

export function compileRoute(raw: RawRoute, parent?: RouteNode, id = '0'): RouteNode {
  const groupBy =
    raw.group_by === undefined ? (parent?.groupBy ?? []) : raw.group_by.includes('...') ? 'all' : raw.group_by;
  const receiver = raw.receiver ?? parent?.receiver;
  if (receiver === undefined) throw new Error(`route ${id}: no receiver, and none to inherit`);
  const node: Omit<RouteNode, 'routes'> = {
    id,
    receiver,
    matchers: (raw.matchers ?? []).map(parseMatcher),
    continue: raw.continue ?? false,
    groupBy,
    groupWaitMs: ms(raw.group_wait, parent?.groupWaitMs ?? defaults.groupWaitMs, `route ${id} group_wait`),
    groupIntervalMs: ms(
      raw.group_interval,
      parent?.groupIntervalMs ?? defaults.groupIntervalMs,
      `route ${id} group_interval`,
    ),
    repeatIntervalMs: ms(
      raw.repeat_interval,
      parent?.repeatIntervalMs ?? defaults.repeatIntervalMs,
      `route ${id} repeat_interval`,
    ),
  };
  const self: RouteNode = { ...node, routes: [] };
  return { ...node, routes: (raw.routes ?? []).map((child, i) => compileRoute(child, self, `${id}.${String(i)}`)) };
}

/**
 * Stage 6: Alertmanager's matching. A node that matches tries its children in order; a matching child
 * stops the search unless it has `continue: true`; when no child matches, the node itself is the match.
 */
export function matchRoutes(node: RouteNode, labels: Labels): RouteNode[] {
  if (!matchesAll(node.matchers, labels)) return [];
  const all: RouteNode[] = [];
  for (const child of node.routes) {
    const found = matchRoutes(child, labels);
    all.push(...found);
    if (found.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [node];
}

/** The aggregation group an alert falls in on a route: route, incident, and the group_by label values. */
export function groupKey(route: RouteNode, incidentId: string, labels: Labels, fingerprint: string): string {
  const by = route.groupBy === 'all' ? fingerprint : route.groupBy.map((n) => `${n}=${labels[n] ?? ''}`).join(',');
  return `${route.id}|${incidentId}|${by}`;
}
