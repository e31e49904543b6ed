import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { capConnections } from './connection-cap.ts';
import type { ShareLimits, ShareOutcome } from './fair-share.ts';
import { refuseRaw } from './raw-response.ts';

/**
 * Limits below express, on the HTTP server itself: how long a client may take to send its headers and its whole
 * request (slow-loris), how many header lines it may send, how many connections one address, one network and everyone
 * may hold, and a JSON answer for what Node's parser refuses before express sees it (oversized headers, a malformed
 * request line, a bad chunk), which Node answers with no body.
 */
export const serverLimits = {
  /** Headers must be complete this soon after the connection's request began (Node: 60 s). */
  headersTimeoutMs: 15_000,
  /** The whole request, body included (Node: 300 s); the API's bodies are at most 1 MB. */
  requestTimeoutMs: 60_000,
  /** Header lines per request (Node: 2,000); browsers send about 20. */
  maxHeadersCount: 200,
} as const;

const refusals: Readonly<Record<string, { status: number; error: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, error: 'request headers too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, error: 'the request took too long to arrive' },
};
const malformed = { status: 400, error: 'malformed HTTP request' };

export interface ServerProtection {
  /** HTTP connections open at once per address, per prefix and in all (connection-cap.ts); absent: not capped. */
  readonly connections?: ShareLimits;
  /** Called for each connection refused by one of those limits, or evicted for a newcomer (a metric). */
  readonly onConnectionOutcome?: (outcome: ShareOutcome) => void;
}

export function protectServer(server: Server, options: ServerProtection = {}): void {
  if (options.connections !== undefined) capConnections(server, options.connections, options.onConnectionOutcome);
  server.headersTimeout = serverLimits.headersTimeoutMs;
  server.requestTimeout = serverLimits.requestTimeoutMs;
  server.maxHeadersCount = serverLimits.maxHeadersCount;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A reset, a closed socket, or a response already on its way (as Node's own handler checks: the answer to a
    // request whose body then proved malformed): nothing more can be written back.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const refusal = refusals[error.code ?? ''] ?? malformed;
    refuseRaw(socket, refusal.status, refusal.error);
  });
}
