/**
 * `node bench/soak/heap-diff.ts A.heapsnapshot B.heapsnapshot [--top N] [--retainers REGEX [--depth D]]`: what
 * grew between two V8 heap snapshots (the soak's `--heap-snapshots`), as counts and self sizes per node type and
 * constructor or string shape, largest growth first. With `--retainers`, the nodes whose bucket matches REGEX
 * are counted by their retainer chain instead (first strong retainer, D levels up): who holds what grew.
 * Reads the snapshot's flat arrays directly: a whole-file JSON.parse would exceed V8's string limit for the
 * heaps the soak reaches.
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

export interface Snapshot {
  readonly nodes: number[];
  readonly edges: number[];
  readonly strings: string[];
  readonly width: number;
  readonly edgeWidth: number;
  readonly field: (name: string) => number;
  readonly edgeField: (name: string) => number;
  readonly typeNames: string[];
  readonly edgeTypeNames: string[];
}

export function readSnapshot(path: string, withEdges: boolean): Snapshot {
  const buf = readFileSync(path);
  const headerEnd = buf.indexOf('"nodes":[');
  const header = buf.subarray(0, headerEnd).toString();
  const meta = JSON.parse(/"meta":(\{.*?\}),"node_count"/s.exec(header)?.[1] ?? '{}') as {
    node_fields: string[];
    node_types: [string[]];
    edge_fields: string[];
    edge_types: [string[]];
  };
  const stringsAt = buf.lastIndexOf('"strings":[');
  return {
    nodes: numbersAfter(buf, 'nodes'),
    edges: withEdges ? numbersAfter(buf, 'edges') : [],
    strings: JSON.parse(buf.subarray(stringsAt + 10, buf.lastIndexOf(']') + 1).toString()) as string[],
    width: meta.node_fields.length,
    edgeWidth: meta.edge_fields.length,
    field: (name) => meta.node_fields.indexOf(name),
    edgeField: (name) => meta.edge_fields.indexOf(name),
    typeNames: meta.node_types[0],
    edgeTypeNames: meta.edge_types[0],
  };
}

/** The bucket of the node at offset `i` of the nodes array: its type and constructor, or string shape. */
function bucketOf(snap: Snapshot, i: number): string {
  const type = snap.typeNames[snap.nodes[i + snap.field('type')] ?? 0] ?? '?';
  const name = snap.strings[snap.nodes[i + snap.field('name')] ?? 0] ?? '?';
  return `${type}:${type === 'string' || type === 'concatenated string' ? shape(name) : name}`;
}

export function summarise(path: string): Map<string, Bucket> {
  const snap = readSnapshot(path, false);
  const sizeIx = snap.field('self_size');
  const out = new Map<string, Bucket>();
  for (let i = 0; i < snap.nodes.length; i += snap.width) {
    const key = bucketOf(snap, i);
    const b = out.get(key) ?? { count: 0, bytes: 0 };
    b.count++;
    b.bytes += snap.nodes[i + sizeIx] ?? 0;
    out.set(key, b);
  }
  return out;
}

/**
 * Nodes whose bucket matches `pattern`, counted (with their self sizes) by their retainer chain: each level is
 * the first strong (non-weak) retainer's bucket and the edge's name, `depth` levels up.
 */
export function retainers(path: string, pattern: RegExp, depth: number): Map<string, Bucket> {
  const snap = readSnapshot(path, true);
  const { nodes, edges, width, edgeWidth } = snap;
  const edgeCountIx = snap.field('edge_count');
  const [typeIx, nameIx, toIx] = ['type', 'name_or_index', 'to_node'].map((f) => snap.edgeField(f));
  const owner = new Int32Array(nodes.length / width).fill(-1);
  const via = new Array<string>(nodes.length / width);
  let e = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const count = nodes[i + edgeCountIx] ?? 0;
    for (let k = 0; k < count; k++, e += edgeWidth) {
      const type = snap.edgeTypeNames[edges[e + (typeIx ?? 0)] ?? 0] ?? '?';
      const to = (edges[e + (toIx ?? 2)] ?? 0) / width;
      if (type === 'weak' || type === 'shortcut' || (owner[to] ?? 0) >= 0) continue;
      owner[to] = i / width;
      const n = edges[e + (nameIx ?? 1)] ?? 0;
      const name = snap.strings[n] ?? '?';
      via[to] = type === 'element' || type === 'hidden' || /^\d+$/.test(name) ? `[${type}]` : `.${name}`;
    }
  }
  const out = new Map<string, Bucket>();
  for (let i = 0; i < nodes.length; i += width) {
    if (!pattern.test(bucketOf(snap, i))) continue;
    const chain: string[] = [];
    for (let at = i / width, d = 0; d < depth && (owner[at] ?? -1) >= 0; d++) {
      chain.push(via[at] ?? '?');
      at = owner[at] ?? -1;
      chain.push(bucketOf(snap, at * width));
    }
    const key = chain.join(' < ');
    const b = out.get(key) ?? { count: 0, bytes: 0 };
    b.count++;
    b.bytes += nodes[i + snap.field('self_size')] ?? 0;
    out.set(key, b);
  }
  return out;
}

if (import.meta.main) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string' }, retainers: { type: 'string' }, depth: { type: 'string' } },
  });
  const [a, b] = positionals;
  if (a === undefined || b === undefined) throw new Error('usage: heap-diff.ts A.heapsnapshot B.heapsnapshot');
  const summary = (path: string): Map<string, Bucket> =>
    values.retainers === undefined
      ? summarise(path)
      : retainers(path, new RegExp(values.retainers), Number(values.depth ?? 3));
  const before = summary(a);
  const after = summary(b);
  const rows = [...after].map(([key, x]) => {
    const y = before.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: x.count, count_delta: x.count - y.count, bytes_delta: x.bytes - y.bytes };
  });
  rows.sort((x, y) => y.bytes_delta - x.bytes_delta);
  const total = (m: Map<string, Bucket>): number => [...m.values()].reduce((s, x) => s + x.bytes, 0);
  process.stdout.write(`total self bytes ${String(total(before))} -> ${String(total(after))}\n`);
  for (const r of rows.slice(0, Number(values.top ?? 40))) process.stdout.write(`${JSON.stringify(r)}\n`);
}
