/** fast-check arbitraries for hostile HTTP and WebSocket input: malformed, oversized, deeply nested, odd encodings. */
import fc from 'fast-check';

/** Path segments an attacker tries: bad percent-encoding, traversal, NULs, huge, unicode, injection-shaped. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%E0%A4%A',
    '%',
    '%zz',
    '%00',
    '..%2F..%2Fetc%2Fpasswd',
    '..%252F..%252F',
    '%C0%AE%C0%AE%2F',
    'AAPL',
    'inc-1',
    '1',
    '-1',
    '1e309',
    'NaN',
    'constructor',
    '__proto__',
    encodeURIComponent("' OR 1=1 --"),
    encodeURIComponent('<script>alert(1)</script>'),
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'A'.repeat(n)),
);

const hostileScalar: fc.Arbitrary<string> = fc.oneof(
  hostileSegment,
  fc.constantFrom(
    '',
    'true',
    '0',
    '-0',
    '9007199254740993',
    '1e400',
    '-1e400',
    'Infinity',
    '[]',
    '{}',
    'null',
    '(a+)+$',
  ),
  fc.double().map(String),
  fc.string({ maxLength: 200 }).map(encodeURIComponent),
);

/**
 * A query string mixing the route's own parameter names (to get past the first check) with junk, a known name
 * repeated (express reads it as an array) and qs-style brackets (`name[]`, `name[__proto__]`).
 */
export function hostileQuery(names: readonly string[]): fc.Arbitrary<string> {
  const known = names.length > 0 ? fc.constantFrom(...names) : fc.string({ maxLength: 10 });
  const name = fc.oneof(
    known,
    fc.string({ maxLength: 10 }),
    known.map((n) => `${n}[]`),
    known.map((n) => `${n}[__proto__]`),
  );
  const pair = fc.tuple(name.map(encodeURIComponent), hostileScalar).map(([k, v]) => `${k}=${v}`);
  const repeated = fc
    .tuple(known, fc.array(hostileScalar, { minLength: 2, maxLength: 3 }))
    .map(([k, values]) => values.map((v) => `${encodeURIComponent(k)}=${v}`));
  return fc
    .tuple(fc.array(pair, { maxLength: 6 }), fc.oneof(fc.constant([]), repeated))
    .map(([pairs, again]) => [...pairs, ...again])
    .map((all) => (all.length === 0 ? '' : `?${all.join('&')}`));
}

/** JSON nested `depth` deep, built as text (stringifying it would overflow this process's stack). */
function nested(depth: number): string {
  return `${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`;
}

/** A request body: JSON of any shape, invalid JSON, deep nesting, large arrays, or the wrong content type. */
export const hostileBody: fc.Arbitrary<{ contentType: string; body: string }> = fc.oneof(
  {
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
    weight: 4,
  },
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
  fc
    .record({ alerts: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }), matchers: fc.array(fc.string()) })
    .map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) })),
  fc.constantFrom('{', '{"a":', '[1,2', 'nul', '\u0000', '{"__proto__":{"x":1}}', '"\\ud800"').map((body) => ({
    contentType: 'application/json',
    body,
  })),
  fc.integer({ min: 100, max: 50_000 }).map((d) => ({ contentType: 'application/json', body: nested(d) })),
  fc.integer({ min: 1_000, max: 50_000 }).map((n) => ({
    contentType: 'application/json',
    body: JSON.stringify(Array.from({ length: n }, (_, i) => i)),
  })),
  fc.constant({ contentType: 'application/json', body: `"${'x'.repeat(1_100_000)}"` }),
  fc.string({ maxLength: 200 }).map((body) => ({ contentType: 'text/plain', body })),
  fc.string({ maxLength: 200 }).map((body) => ({ contentType: 'application/x-protobuf', body })),
);

/** WebSocket frames for one message type: right type with wrong fields, huge lists, and the protocol's edges. */
export function hostileFrame(type: string): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    fc.record({ type: fc.constant(type) }, { requiredKeys: ['type'] }).map((m) => JSON.stringify(m)),
    fc
      .record({
        type: fc.constant(type),
        symbols: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 50 }), fc.jsonValue({ maxDepth: 2 })),
        intervals: fc.oneof(fc.array(fc.string({ maxLength: 5 }), { maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })),
        resume: fc.oneof(
          fc.record({ session: fc.string({ maxLength: 200 }), lastSeq: fc.oneof(fc.integer(), fc.double()) }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        id: fc.jsonValue({ maxDepth: 2 }),
      })
      .map((m) => JSON.stringify(m)),
    fc
      .integer({ min: 1, max: 3_000 })
      .map((n) => JSON.stringify({ type, symbols: Array.from({ length: n }, (_, i) => `S${String(i)}`) })),
    fc.constantFrom('{', 'null', '[]', '"x"', JSON.stringify({ type, extra: 1 })),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  );
}
