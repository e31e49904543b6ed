/**
 * Bodies shaped by an operation's own JSON Schema (from /api/openapi.json) with hostile leaves: they get past the
 * first shape check and reach the handler's logic with numeric edges, far timestamps, control characters,
 * prototype keys, over-long strings and over-long arrays. Values JSON cannot express (1e400, which JSON.parse reads
 * as Infinity; an own `__proto__` key) are written as markers and spliced into the text by `toJsonText`.
 */
import fc from 'fast-check';

/** The subset of JSON Schema the platform's zod schemas produce. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema | boolean;
  readonly items?: JsonSchema | boolean;
  readonly prefixItems?: readonly JsonSchema[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
}

const INFINITE = '\u0000fuzz:1e400';
const PROTO_KEY = '\u0000fuzz:__proto__';

/** Strings that pass loose checks (tickers, ids, matchers, URLs) so that the handler's logic runs. */
const plausible = fc.constantFrom(
  'AAPL',
  'MSFT',
  'admin',
  'viewer',
  'trader',
  'oncall-1',
  '00000000-0000-4000-8000-000000000000',
  'job="api"',
  'alertname=~".+"',
  'https://push.example.com/send/1',
  'http://127.0.0.1:9/x',
  'a@example.com',
  'correlation',
);
const hostileText = fc.constantFrom(
  '',
  '\u0000',
  '\u202e\u0007\u001b[31m',
  '\ud800',
  '__proto__',
  'constructor',
  'toString',
  '(a+)+$',
  '((a|aa)+)+b',
  'x'.repeat(70_000),
  '../../../../etc/passwd',
  'javascript:alert(1)',
  '<img src=x onerror=alert(1)>',
  '%E0%A4%A',
  'é'.repeat(5_000),
);
const timestamps = fc.constantFrom(
  '9999-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2099-01-01T00:00:00.123456789+23:59',
);
const future = fc.constant(null).map(() => new Date(Date.now() + 3_600_000).toISOString());

function numbers(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown> {
  const edges: unknown[] = [0, -0, -1, 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, INFINITE];
  if (!integer) edges.push(5e-324, 0.1, 1e-9);
  for (const bound of [schema.minimum, schema.maximum])
    if (bound !== undefined) edges.push(bound, bound - 1, bound + 1, bound / 2);
  return fc.oneof(fc.constantFrom(...edges), integer ? fc.integer() : fc.double());
}

function strings(schema: JsonSchema): fc.Arbitrary<unknown> {
  const format = schema.format === 'date-time' ? [timestamps, future] : [];
  const long = schema.maxLength === undefined ? [] : [fc.constant('y'.repeat(schema.maxLength + 1))];
  return fc.oneof(plausible, hostileText, fc.string({ maxLength: 30 }), ...format, ...long);
}

/** How many copies of `one` (at most `wanted`) fit in 900 kB of JSON. */
function fitting(one: unknown, wanted: number): number {
  const size = (JSON.stringify(one) as string | undefined)?.length ?? 4;
  return Math.max(1, Math.min(wanted, Math.floor(900_000 / (size + 8))));
}

function arrays(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.prefixItems !== undefined) return fc.tuple(...schema.prefixItems.map((s) => valueOf(s, depth + 1)));
  const item = typeof schema.items === 'object' ? valueOf(schema.items, depth + 1) : fc.jsonValue({ maxDepth: 1 });
  const min = schema.minItems ?? 0;
  const over = (schema.maxItems ?? 10_000) + 1;
  return fc.oneof(
    { arbitrary: fc.array(item, { minLength: min, maxLength: Math.max(min, 4) }), weight: 4 },
    // Many items: one sample of the item shape, repeated as often as fits in a body under the 1 MB limit.
    item.map((one) => Array.from({ length: fitting(one, over) }, () => one)),
  );
}

function objects(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(props)) record[key] = valueOf(sub, depth + 1);
  const known = fc.record(record, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const keys = fc.oneof(plausible, hostileText, fc.constantFrom(PROTO_KEY, 'constructor', 'prototype'));
  const more =
    extra === undefined
      ? fc.constant({})
      : fc.oneof(
          fc.dictionary(keys, valueOf(extra, depth + 1), { maxKeys: 4 }),
          // Width: thousands of keys.
          valueOf(extra, depth + 1).map((v) =>
            Object.fromEntries(Array.from({ length: fitting(v, 5_000) }, (_, i) => [`k${String(i)}`, v])),
          ),
        );
  const pollute = fc.oneof(
    { arbitrary: fc.constant({}), weight: 4 },
    fc.constant({ [PROTO_KEY]: { polluted: true, isAdmin: true } }),
    fc.constant({ constructor: { prototype: { polluted: true } } }),
  );
  return fc.tuple(known, more, pollute).map(([a, b, c]) => ({ ...b, ...a, ...c }));
}

/** Near-valid values for `schema`: the right shape most of the time, with hostile leaves. */
export function valueOf(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 8) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined)
    return fc.oneof({ arbitrary: fc.constantFrom(...schema.enum), weight: 4 }, hostileText);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices !== undefined && choices.length > 0) return fc.oneof(...choices.map((s) => valueOf(s, depth + 1)));
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  const type = types[0] ?? (schema.properties !== undefined ? 'object' : 'any');
  switch (type) {
    case 'object':
      return objects(schema, depth);
    case 'array':
      return arrays(schema, depth);
    case 'string':
      return strings(schema);
    case 'number':
      return numbers(schema, false);
    case 'integer':
      return numbers(schema, true);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** JSON text with the markers spliced in: `1e400` for the infinite marker, an own `"__proto__"` key. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll(JSON.stringify(INFINITE), '1e400')
    .replaceAll(JSON.stringify(PROTO_KEY), '"__proto__"');
}
