import type { Incident, IncidentAlert } from '../model.ts';
import type { GroupScheduler } from './group.ts';
import { groupKey, matchRoutes, type RouteNode } from './route.ts';
import { required, type AlertContext, type Stage } from './stage.ts';

/** Alertmanager's routing tree, then the aggregation group of each matched route (group timing). */
export class RouteStage implements Stage {
  readonly name = 'route';
  readonly #root: RouteNode;
  readonly #byId = new Map<string, RouteNode>();
  readonly #groups: GroupScheduler;

  constructor(root: RouteNode, groups: GroupScheduler) {
    this.#root = root;
    this.#groups = groups;
    const index = (n: RouteNode): void => {
      this.#byId.set(n.id, n);
      n.routes.forEach(index);
    };
    index(root);
  }

  run(ctx: AlertContext): 'continue' {
    this.route(required(ctx.incident, 'an incident', this.name), required(ctx.entry, 'an incident alert', this.name));
    return 'continue';
  }

  route(incident: Incident, entry: IncidentAlert): void {
    const routes = matchRoutes(this.#root, entry.alert.labels);
    entry.routes = routes.map((r) => r.id);
    for (const r of routes) this.#touch(r, incident, entry);
  }

  /** The alert changed (resolved): its groups notify on their next tick. */
  retouch(incident: Incident, entry: IncidentAlert): void {
    for (const id of entry.routes) {
      const route = this.#byId.get(id);
      if (route !== undefined) this.#touch(route, incident, entry);
    }
  }

  /** A resolved alert left memory: its groups no longer wait for it. */
  forget(incidentId: string, fingerprint: string): void {
    this.#groups.forget(incidentId, fingerprint);
  }

  node(id: string): RouteNode | undefined {
    return this.#byId.get(id);
  }

  /** The receivers an incident's resolution goes to: those whose groups notified it. */
  notifiedReceivers<R>(incident: Incident, receivers: ReadonlyMap<string, R>): R[] {
    if (this.#groups.groupsOf(incident.id).every((g) => g.sent === 0)) return [];
    const found = new Map<string, R>();
    for (const ia of incident.alerts.values())
      for (const routeId of ia.routes) {
        const name = this.#byId.get(routeId)?.receiver;
        const receiver = name === undefined ? undefined : receivers.get(name);
        if (name !== undefined && receiver !== undefined) found.set(name, receiver);
      }
    return [...found.values()];
  }

  #touch(route: RouteNode, incident: Incident, entry: IncidentAlert): void {
    const fp = entry.alert.fingerprint;
    this.#groups.touch(groupKey(route, incident.id, entry.alert.labels, fp), route, incident.id, fp);
  }
}
