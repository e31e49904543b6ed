import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Limits below express, on the HTTP server itself: how long a client may take to send its headers and its whole
 * request (slow-loris), how many header lines it may send, and a JSON answer for what Node's parser refuses before
 * express sees it (oversized headers, a malformed request line, a bad chunk), which Node answers with no body.
 */
export const serverLimits = {
  /** Headers must be complete this soon after the connection's request began (Node: 60 s). */
  headersTimeoutMs: 15_000,
  /** The whole request, body included (Node: 300 s); the API's bodies are at most 1 MB. */
  requestTimeoutMs: 60_000,
  /** Header lines per request (Node: 2,000); browsers send about 20. */
  maxHeadersCount: 200,
} as const;

const refusals: Readonly<Record<string, { status: number; text: string; error: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, text: 'Request Header Fields Too Large', error: 'request headers too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, text: 'Request Timeout', error: 'the request took too long to arrive' },
};
const malformed = { status: 400, text: 'Bad Request', error: 'malformed HTTP request' };

export function protectServer(server: Server): void {
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
    const body = JSON.stringify({ error: refusal.error });
    socket.end(
      `HTTP/1.1 ${String(refusal.status)} ${refusal.text}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${String(Buffer.byteLength(body))}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
