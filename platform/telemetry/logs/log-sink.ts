/**
 * The log sink port, and the mapping of pino records to Elastic Common Schema documents.
 * Adapters (Elasticsearch today) implement LogSink; the pino side only knows this file.
 */

/** One parsed pino JSON line: pino's own keys plus whatever fields the caller logged. */
export interface LogRecord {
  /** pino numeric level: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
  readonly level: number;
  /** Epoch milliseconds (pino's default `time`). */
  readonly time: number;
  readonly msg?: string;
  readonly trace_id?: string;
  readonly span_id?: string;
  /** Service that emitted the record; wins over the sink's configured service name. */
  readonly service?: string;
  /** pino logger name (`pino({ name })`). */
  readonly name?: string;
  /** pino's serialized error: { type, message, stack, code?, ... }. */
  readonly err?: unknown;
  readonly hostname?: string;
  readonly pid?: number;
  readonly [field: string]: unknown;
}

export interface LogSinkStats {
  /** Records held in memory: queued plus in flight. */
  readonly buffered: number;
  /** Records acknowledged by the backend. */
  readonly sent: number;
  /** Records lost: buffer overflow, rejected by the backend, retries exhausted, or left at close. */
  readonly dropped: number;
  /** Batches given up on after their last attempt, or rejected as a whole. */
  readonly failed_batches: number;
}

export interface LogSink {
  /** Enqueues one record. Never blocks on I/O and never throws: logging must not break the request path. */
  write(record: LogRecord): void;
  /** Resolves once every record written before the call is sent or dropped. Never rejects. */
  flush(): Promise<void>;
  /** Stops accepting records and flushes what it can within the sink's close timeout. Never rejects. */
  close(): Promise<void>;
  stats(): LogSinkStats;
}

export const ECS_VERSION = '8.11.0';

/** The ECS document toEcs produces (nested objects, as Elasticsearch's ECS templates expect). */
export interface EcsDocument {
  readonly '@timestamp': string;
  readonly message?: string;
  readonly ecs: { readonly version: string };
  readonly log: { readonly level: string; readonly logger?: string };
  readonly service: { readonly name: string };
  readonly trace?: { readonly id: string };
  readonly span?: { readonly id: string };
  readonly error?: {
    readonly message?: string;
    readonly type?: string;
    readonly stack_trace?: string;
    readonly code?: string;
  };
  readonly host?: { readonly hostname: string };
  readonly process?: { readonly pid: number };
  /** Every other field, flattened to string values (ECS `labels` are keyword-only). */
  readonly labels?: Readonly<Record<string, string>>;
}

const LEVELS: readonly (readonly [number, string])[] = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [10, 'trace'],
];

/** pino numeric level to its name; custom levels fall to the nearest standard level below them. */
export function levelName(level: unknown): string {
  if (typeof level === 'string' && level !== '') return level.toLowerCase();
  if (typeof level !== 'number' || Number.isNaN(level)) return 'info';
  for (const [n, name] of LEVELS) if (level >= n) return name;
  return 'trace';
}

/** pino level name to its number, for lines written with a `formatters.level` label. */
export function levelNumber(name: string): number | undefined {
  return LEVELS.find(([, n]) => n === name.toLowerCase())?.[0];
}

/** Keys toEcs maps to ECS fields itself; everything else becomes a label. */
const MAPPED = new Set(['level', 'time', 'msg', 'trace_id', 'span_id', 'service', 'name', 'err', 'hostname', 'pid']);
const ERROR_MAPPED = new Set(['message', 'type', 'name', 'stack', 'code']);

// Labels are bounded so one odd record cannot blow Elasticsearch's field limit or the keyword term limit.
const MAX_LABELS = 128;
const MAX_LABEL_DEPTH = 3;
const MAX_LABEL_LENGTH = 4096;

function timestamp(time: unknown): string {
  const ms = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : Number.NaN;
  // Date accepts ±8.64e15 ms; anything else would throw in toISOString.
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : new Date().toISOString();
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return '[unserializable]'; // circular or throwing toJSON: keep the key, lose the value
    }
  }
  return String(value);
}

function labelText(value: unknown): string {
  const text = textOf(value);
  return text.length > MAX_LABEL_LENGTH ? `${text.slice(0, MAX_LABEL_LENGTH)}…` : text;
}

class LabelBag {
  // A Map, not an object literal: keys like `__proto__` or `constructor` come from user data.
  private readonly labels = new Map<string, string>();
  private truncated = 0;

  add(key: string, value: unknown, depth = 1): void {
    if (value === undefined || value === null || typeof value === 'function' || typeof value === 'symbol') return;
    if (isPlainObject(value) && depth < MAX_LABEL_DEPTH) {
      for (const [k, v] of Object.entries(value)) this.add(`${key}_${labelKey(k)}`, v, depth + 1);
      return;
    }
    if (!this.labels.has(key) && this.labels.size >= MAX_LABELS) {
      this.truncated++;
      return;
    }
    this.labels.set(key, labelText(value));
  }

  result(): Record<string, string> | undefined {
    if (this.labels.size === 0) return undefined;
    if (this.truncated > 0) this.labels.set('labels_truncated', String(this.truncated));
    return Object.fromEntries(this.labels);
  }
}

// A dot in a label key would make Elasticsearch map an object under labels; keep labels flat.
const labelKey = (k: string): string => (k === '' ? '_' : k.replaceAll('.', '_'));

function mapError(err: unknown, bag: LabelBag): EcsDocument['error'] {
  if (err === undefined || err === null) return undefined;
  if (!isPlainObject(err)) return { message: textOf(err) };
  const type = nonEmpty(err['type']) ? err['type'] : nonEmpty(err['name']) ? err['name'] : undefined;
  const code = err['code'];
  for (const [k, v] of Object.entries(err)) if (!ERROR_MAPPED.has(k)) bag.add(`err_${labelKey(k)}`, v);
  return {
    ...(typeof err['message'] === 'string' ? { message: err['message'] } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(typeof err['stack'] === 'string' ? { stack_trace: err['stack'] } : {}),
    ...(code !== undefined && code !== null ? { code: textOf(code) } : {}),
  };
}

/**
 * Maps a pino record to an ECS document. Unknown fields go under `labels` as flat strings
 * rather than as typed custom fields: a field logged as a number once and an object later
 * would otherwise be a mapping conflict, and Elasticsearch would reject the record.
 */
export function toEcs(record: LogRecord, service: string): EcsDocument {
  // Records come from parsed JSON: read them as unknown values, whatever LogRecord promises.
  const r: Readonly<Record<string, unknown>> = record;
  const bag = new LabelBag();
  for (const [k, v] of Object.entries(r)) if (!MAPPED.has(k)) bag.add(labelKey(k), v);
  const svc = r['service'];
  const name = r['name'];
  // A non-string `service` or `name` has no ECS home here, so it is kept as labels.
  if (svc !== undefined && !nonEmpty(svc)) bag.add('service', svc);
  if (name !== undefined && !nonEmpty(name)) bag.add('name', name);
  const error = mapError(r['err'], bag);
  const labels = bag.result();
  const msg = r['msg'];
  const traceId = r['trace_id'];
  const spanId = r['span_id'];
  const hostname = r['hostname'];
  const pid = r['pid'];
  return {
    '@timestamp': timestamp(r['time']),
    // `message` is a text field, with no keyword length limit: kept whole.
    ...(msg !== undefined && msg !== null ? { message: textOf(msg) } : {}),
    ecs: { version: ECS_VERSION },
    log: { level: levelName(r['level']), ...(nonEmpty(name) ? { logger: name } : {}) },
    service: { name: nonEmpty(svc) ? svc : service },
    ...(nonEmpty(traceId) ? { trace: { id: traceId } } : {}),
    ...(nonEmpty(spanId) ? { span: { id: spanId } } : {}),
    ...(error !== undefined && Object.keys(error).length > 0 ? { error } : {}),
    ...(nonEmpty(hostname) ? { host: { hostname } } : {}),
    ...(typeof pid === 'number' && Number.isInteger(pid) ? { process: { pid } } : {}),
    ...(labels !== undefined ? { labels } : {}),
  };
}
