import { z } from 'zod';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** The body's media type (default application/json): `text/event-stream` with the schema of each event's data. */
  readonly mediaType?: string;
}

/** One API operation, described by the zod schemas its handler validates with. */
export interface ApiOperation {
  readonly method: Method;
  /** OpenAPI path under /api, with {name} placeholders: `/quotes/{symbol}`. */
  readonly path: string;
  readonly summary: string;
  readonly tags?: readonly string[];
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** The request body's media type (default application/json), e.g. `text/csv` with a string schema. */
  readonly bodyMediaType?: string;
  readonly responses: Readonly<Record<number, ApiResponse>>;
}

const errorBody = z.object({
  error: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/**
 * The OpenAPI 3.1 description of /api, assembled from what each service registers at start. Schemas come
 * from the same zod schemas the handlers validate with (z.toJSONSchema), so the document cannot drift
 * from the validation. Registering the same method and path again replaces the entry (a restarted service).
 */
export class OpenApiRegistry {
  readonly #operations = new Map<string, ApiOperation>();

  #version = 0;

  add(operation: ApiOperation): void {
    this.#operations.set(`${operation.method} ${operation.path}`, operation);
    this.#version++;
  }

  /** Changes whenever an operation is added: a cached document built at another version is stale. */
  get version(): number {
    return this.#version;
  }

  /**
   * The document. `routes` are every route actually served under /api (see listRoutes): one a service did
   * not describe still appears, with its path parameters, so the document lists the whole API.
   */
  document(
    info: { title: string; version: string; description?: string },
    routes: readonly { method: string; path: string }[] = [],
  ): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    const described = [...this.#operations.values()];
    const known = new Set(described.map((op) => `${op.method} ${op.path}`));
    const undescribed: ApiOperation[] = routes
      .filter((r): r is { method: Method; path: string } => isMethod(r.method) && !known.has(`${r.method} ${r.path}`))
      .map((r) => ({
        method: r.method,
        path: r.path,
        summary: `${r.method.toUpperCase()} ${r.path} (schema not described)`,
        responses: { 200: { description: 'success' }, 400: { description: 'invalid request' } },
      }));
    for (const op of [...described, ...undescribed].sort((a, b) => a.path.localeCompare(b.path))) {
      const parameters = op.params === undefined ? pathParameters(op.path) : [...parametersOf(op.params, 'path')];
      parameters.push(...parametersOf(op.query, 'query'));
      const responses: Record<string, unknown> = {};
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.schema ?? (Number(status) >= 400 ? errorBody : undefined);
        responses[status] = {
          description: response.description,
          ...(schema === undefined
            ? {}
            : { content: { [response.mediaType ?? 'application/json']: { schema: jsonSchema(schema, 'output') } } }),
        };
      }
      (paths[`/api${op.path}`] ??= {})[op.method] = {
        summary: op.summary,
        operationId: `${op.method}${op.path
          .replace(/[{}]/g, '')
          .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
          .replace(/\W/g, '')}`,
        ...(op.tags === undefined ? {} : { tags: op.tags }),
        ...(parameters.length === 0 ? {} : { parameters }),
        ...(op.body === undefined
          ? {}
          : {
              requestBody: {
                required: true,
                content: { [op.bodyMediaType ?? 'application/json']: { schema: jsonSchema(op.body, 'input') } },
              },
            }),
        responses,
      };
    }
    return { openapi: '3.1.0', info, jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema', paths };
  }
}

const methods: readonly string[] = ['get', 'post', 'put', 'patch', 'delete'];
function isMethod(method: string): method is Method {
  return methods.includes(method);
}

/** Path parameters read off an OpenAPI path's {name} placeholders, for an operation without a params schema. */
function pathParameters(path: string): Record<string, unknown>[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

interface RouterLayer {
  readonly rawPath?: unknown;
  readonly route?: { readonly path: unknown; readonly methods: Readonly<Record<string, boolean>> };
  readonly handle?: { readonly stack?: readonly RouterLayer[] };
}

/**
 * Every route an express router serves, as OpenAPI paths (`:id` -> `{id}`), walking mounted sub-routers.
 * Reads express's router stack, which has no public API for this.
 */
export function listRoutes(
  router: { readonly stack: readonly unknown[] },
  prefix = '',
): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  for (const layer of router.stack as readonly RouterLayer[]) {
    if (layer.route !== undefined) {
      const paths = Array.isArray(layer.route.path) ? (layer.route.path as unknown[]) : [layer.route.path];
      for (const p of paths.filter((p): p is string => typeof p === 'string')) {
        const path = (prefix + p).replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/g, '{$1}');
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') routes.push({ method, path });
      }
    } else if (layer.handle?.stack !== undefined) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      routes.push(...listRoutes({ stack: layer.handle.stack }, prefix + mount));
    }
  }
  return routes;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  // The dialect is declared once for the document (jsonSchemaDialect).
  const json = { ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) } as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parametersOf(object: z.ZodObject | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (object === undefined) return [];
  return Object.entries(object.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    return {
      name,
      in: where,
      required: where === 'path' || !s.safeParse(undefined).success,
      ...(s.description === undefined ? {} : { description: s.description }),
      schema: jsonSchema(s, 'input'),
    };
  });
}

/** The document's top level (what document() returns). */
export const openApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** The process's registry: services add their operations to it at start; /api/openapi.json serves it. */
export const openApi = new OpenApiRegistry();
openApi.add({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  tags: ['meta'],
  responses: {
    200: {
      description: 'OpenAPI 3.1',
      schema: openApiDocument,
    },
  },
});
