import { OtlpDecodeError } from './codec.ts';

/**
 * Deepest nesting of objects and arrays allowed in a decoded request. OTLP's own structure takes about 12 levels
 * and each nested AnyValue 4 more, so this leaves room for attributes nested ~25 deep; deeper input would exhaust
 * the stack of the recursive schema and renderers.
 */
export const MAX_NESTING = 128;

/** Throws OtlpDecodeError when `value` nests deeper than `limit`; iterative, so the check itself cannot overflow. */
export function checkNesting(value: unknown, limit = MAX_NESTING): void {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { node, depth } = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) throw new OtlpDecodeError(`request nests deeper than ${String(limit)} levels`);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
}
