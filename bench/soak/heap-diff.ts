/**
 * `node bench/soak/heap-diff.ts A.heapsnapshot B.heapsnapshot [--top N]`: what grew between two V8 heap
 * snapshots (the soak's `--heap-snapshots`), as counts and self sizes per node type and constructor or
 * string shape, largest growth first. Reads the snapshot's flat arrays directly: a whole-file JSON.parse
 * would exceed V8's string limit for the heaps the soak reaches.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Bucket {
  count: number;
  bytes: number;
}

/** The array of numbers after `"key":[` in the buffer. */
function numbersAfter(buf: Buffer, key: string): number[] {
  const start = buf.indexOf(`"${key}":[`) + key.length + 4;
  const out: number[] = [];
  let n = 0;
  let inNumber = false;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i] ?? 0;
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      inNumber = true;
    } else {
      if (inNumber) out.push(n);
      n = 0;
      inNumber = false;
      if (c === 93) break; // ]
    }
  }
  return out;
}

/** Strings are grouped by shape (a fingerprint and a hex id are one bucket each), not by their text. */
const shape = (s: string): string =>
  s.length > 40
    ? `string(${String(Math.min(1000, Math.round(s.length / 100) * 100))}+ chars)`
    : s.replace(/[0-9a-f]{8,}/g, '<hex>');

export function summarise(path: string): Map<string, Bucket> {
  const buf = readFileSync(path);
  const headerEnd = buf.indexOf('"nodes":[');
  const header = buf.subarray(0, headerEnd).toString();
  const meta = JSON.parse(/"meta":(\{.*?\}),"node_count"/s.exec(header)?.[1] ?? '{}') as {
    node_fields: string[];
    node_types: [string[]];
  };
  const fields = meta.node_fields;
  const [typeNames] = meta.node_types;
  const stringsAt = buf.lastIndexOf('"strings":[');
  const strings = JSON.parse(buf.subarray(stringsAt + 10, buf.lastIndexOf(']') + 1).toString()) as string[];
  const nodes = numbersAfter(buf, 'nodes');
  const width = fields.length;
  const [typeIx, nameIx, sizeIx] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, Bucket>();
  for (let i = 0; i < nodes.length; i += width) {
    const type = typeNames[nodes[i + (typeIx ?? 0)] ?? 0] ?? '?';
    const name = strings[nodes[i + (nameIx ?? 1)] ?? 0] ?? '?';
    const key = `${type}:${type === 'string' || type === 'concatenated string' ? shape(name) : name}`;
    const b = out.get(key) ?? { count: 0, bytes: 0 };
    b.count++;
    b.bytes += nodes[i + (sizeIx ?? 3)] ?? 0;
    out.set(key, b);
  }
  return out;
}

if (import.meta.main) {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
  const [a, b] = positionals;
  if (a === undefined || b === undefined) throw new Error('usage: heap-diff.ts A.heapsnapshot B.heapsnapshot');
  const before = summarise(a);
  const after = summarise(b);
  const rows = [...after].map(([key, x]) => {
    const y = before.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: x.count, count_delta: x.count - y.count, bytes_delta: x.bytes - y.bytes };
  });
  rows.sort((x, y) => y.bytes_delta - x.bytes_delta);
  const total = (m: Map<string, Bucket>): number => [...m.values()].reduce((s, x) => s + x.bytes, 0);
  process.stdout.write(`total self bytes ${String(total(before))} -> ${String(total(after))}\n`);
  for (const r of rows.slice(0, Number(values.top ?? 40))) process.stdout.write(`${JSON.stringify(r)}\n`);
}
