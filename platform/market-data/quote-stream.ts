import type { Context } from '@opentelemetry/api';
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { sendTraced, traceReceive } from '../telemetry/ws-tracing.ts';
import type { Quote } from './quote-book.ts';

const MAX_SYMBOLS_PER_CLIENT = 200;
/** A client this far behind is skipped for a message rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const request = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), symbols: z.array(z.string().regex(/^[A-Za-z0-9.^=-]{1,15}$/, 'must be ticker symbols')).min(1).max(MAX_SYMBOLS_PER_CLIENT) }),
  z.strictObject({ type: z.literal('unsubscribe'), symbols: z.array(z.string()).min(1).max(MAX_SYMBOLS_PER_CLIENT) }),
]);

/**
 * Live quotes over WebSocket: a client subscribes to symbols, gets each one's latest quote at once and
 * then every update. Bad messages are answered with an error message, never a dropped connection.
 */
export class QuoteStream {
  readonly #path: string;
  readonly #latest: (symbol: string) => Quote | undefined;
  readonly #subscribers = new Map<string, Set<WebSocket>>();

  constructor(path: string, latest: (symbol: string) => Quote | undefined) {
    this.#path = path;
    this.#latest = latest;
  }

  /** Called in the consumer's context, so each quote message continues the tick's trace. */
  publish(quote: Quote): void {
    const sockets = this.#subscribers.get(quote.symbol);
    if (sockets === undefined) return;
    for (const socket of sockets) {
      if (socket.readyState === socket.OPEN && socket.bufferedAmount < MAX_BUFFERED_BYTES) sendTraced(socket, { type: 'quote', quote });
    }
  }

  connect(socket: WebSocket, connection: Context): void {
    const mine = new Set<string>();
    socket.on('message', (data, isBinary) => {
      traceReceive(connection, this.#path, 'message', () => {
        const error = this.#handle(socket, mine, isBinary ? undefined : text(data));
        if (error !== undefined) sendTraced(socket, { type: 'error', message: error });
      });
    });
    socket.on('close', () => {
      for (const symbol of mine) this.#unsubscribe(socket, symbol);
    });
  }

  #handle(socket: WebSocket, mine: Set<string>, text: string | undefined): string | undefined {
    if (text === undefined) return 'messages must be JSON text';
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return 'message is not valid JSON';
    }
    const parsed = request.safeParse(json);
    if (!parsed.success) return `invalid message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
    const symbols = parsed.data.symbols.map((s) => s.toUpperCase());
    if (parsed.data.type === 'unsubscribe') {
      for (const symbol of symbols) {
        mine.delete(symbol);
        this.#unsubscribe(socket, symbol);
      }
      sendTraced(socket, { type: 'unsubscribed', symbols });
      return undefined;
    }
    const added = symbols.filter((s) => !mine.has(s));
    if (mine.size + added.length > MAX_SYMBOLS_PER_CLIENT) return `at most ${String(MAX_SYMBOLS_PER_CLIENT)} symbols per connection`;
    for (const symbol of added) {
      mine.add(symbol);
      const set = this.#subscribers.get(symbol) ?? new Set<WebSocket>();
      set.add(socket);
      this.#subscribers.set(symbol, set);
    }
    sendTraced(socket, { type: 'subscribed', symbols: [...mine].sort() });
    for (const symbol of added) {
      const quote = this.#latest(symbol);
      if (quote !== undefined) sendTraced(socket, { type: 'quote', quote });
    }
    return undefined;
  }

  #unsubscribe(socket: WebSocket, symbol: string): void {
    const set = this.#subscribers.get(symbol);
    set?.delete(socket);
    if (set?.size === 0) this.#subscribers.delete(symbol);
  }
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}
