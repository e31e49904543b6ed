import type { Permission, RoutePermission } from './permissions.ts';

interface Compiled {
  readonly method: string;
  readonly pattern: RegExp;
  readonly entry: RoutePermission;
}

function compile(path: string): RegExp {
  const source = path
    .split(/(:\w+|\*\w+)/)
    .map((part) => {
      if (part.startsWith(':')) return '([^/]+?)';
      if (part.startsWith('*')) return '(.+)';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

/** Finds the declared permission of a request's method and path; undefined when the route is not declared. */
export class RouteMatcher {
  readonly #exact = new Map<string, RoutePermission>();
  readonly #patterns: Compiled[] = [];

  constructor(table: readonly RoutePermission[]) {
    for (const entry of table) {
      if (/[:*]/.test(entry.path)) this.#patterns.push({ method: entry.method, pattern: compile(entry.path), entry });
      else this.#exact.set(`${entry.method} ${entry.path}`, entry);
    }
  }

  match(method: string, path: string): RoutePermission | undefined {
    // HEAD is answered by the GET route.
    const m = method === 'HEAD' ? 'GET' : method;
    const exact = this.#exact.get(`${m} ${path}`) ?? this.#exact.get(`${m} ${path.replace(/\/$/, '')}`);
    if (exact !== undefined) return exact;
    return this.#patterns.find((c) => c.method === m && c.pattern.test(path))?.entry;
  }

  permissionOf(method: string, path: string): Permission | undefined {
    return this.match(method, path)?.permission;
  }

  /** The methods declared for a path (for a 405's Allow header when the request's method is not among them). */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const entry of this.#exact.values()) if (entry.path === path) methods.add(entry.method);
    for (const c of this.#patterns) if (c.pattern.test(path)) methods.add(c.method);
    return [...methods].sort();
  }
}
