import { WebSocket, type ClientOptions } from 'ws';

export type WsMessage = { type: string; [key: string]: unknown };

export interface WsClient {
  readonly socket: WebSocket;
  /** Every message received, parsed. */
  readonly messages: WsMessage[];
  /** The close code, once closed. */
  readonly closed: Promise<number>;
}

/**
 * Opens a real WebSocket client; resolves once open, or rejects with an error carrying the refusal's HTTP `status`
 * and `body` (the server's JSON message).
 */
export function openWsClient(url: string, options: ClientOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(url, options);
  const messages: WsMessage[] = [];
  socket.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString()) as WsMessage);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve({ socket, messages, closed });
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        reject(Object.assign(new Error(body), { status: response.statusCode, body }));
      });
    });
    socket.once('error', reject);
  });
}
