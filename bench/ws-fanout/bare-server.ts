import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface BenchTick {
  readonly symbol: string;
  readonly price: number;
  readonly size: number;
  readonly ts: number;
}

/**
 * The baseline: a bare `ws` broadcast server. A client sends {"subscribe":[...]}; each feed batch is sent
 * to every client as the JSON array of the batch's ticks for its symbols (one message per batch, as our
 * server batches). No sequence numbers, replay, backpressure, coalescing, validation or tracing.
 */
export class BareBroadcastServer {
  readonly #server: WebSocketServer;
  readonly #subscriptions = new Map<WebSocket, Set<string>>();

  private constructor(server: WebSocketServer) {
    this.#server = server;
    server.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const { subscribe } = JSON.parse(data.toString()) as { subscribe: string[] };
        this.#subscriptions.set(socket, new Set(subscribe));
      });
      socket.on('close', () => {
        this.#subscriptions.delete(socket);
      });
    });
  }

  static async start(): Promise<BareBroadcastServer> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await new Promise((resolve) => server.once('listening', resolve));
    return new BareBroadcastServer(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${String((this.#server.address() as AddressInfo).port)}`;
  }

  broadcast(batch: readonly BenchTick[]): void {
    for (const [socket, symbols] of this.#subscriptions) {
      const mine = batch.filter((t) => symbols.has(t.symbol));
      if (mine.length > 0) socket.send(JSON.stringify(mine));
    }
  }

  async close(): Promise<void> {
    for (const socket of this.#server.clients) socket.terminate();
    await new Promise((resolve) => {
      this.#server.close(resolve);
    });
  }
}
