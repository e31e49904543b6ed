import { context } from '@opentelemetry/api';
import type { RawData, WebSocket } from 'ws';
import { traceparentMember } from './changes.ts';

/** Sends a message outside the session's sequence, with the active context's traceparent. */
export function sendDirect(socket: WebSocket, message: Readonly<Record<string, unknown>>): void {
  const json = JSON.stringify(message);
  socket.send(`${json.slice(0, -1)}${traceparentMember(context.active())}}`);
}

/** A text frame's content. */
export function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}

/** Counts a connection's messages per one-second window (fixed windows: cheap, and enough against a flood). */
export class MessageRate {
  readonly #max: number;
  #windowStart = 0;
  #count = 0;

  constructor(maxPerSecond: number) {
    this.#max = maxPerSecond;
  }

  /** Counts one message at `now`; false when the window's allowance is spent. */
  allow(now: number): boolean {
    if (now - this.#windowStart >= 1_000) {
      this.#windowStart = now;
      this.#count = 0;
    }
    this.#count += 1;
    return this.#count <= this.#max;
  }
}
