import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { InvalidEventError } from '../backbone/envelope.ts';
import type { Logger } from '../telemetry/logger.ts';

/** An error whose message is safe and useful to show the client, with its HTTP status. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
};

/** A client error raised by express or its body parser (http-errors: status 4xx, message safe when `expose`). */
function clientError(error: unknown): { status: number; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type, expose, message } = error as {
    status?: unknown;
    type?: unknown;
    expose?: unknown;
    message?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.parse.failed') return { status, message: 'request body is not valid JSON' };
  if (type === 'entity.too.large') return { status, message: 'request body is too large' };
  if (typeof type === 'string') return { status, message: `bad request body (${type})` };
  return { status, message: expose === true && typeof message === 'string' ? message : 'bad request' };
}

/** Bad input gets a 4xx with a message; anything else is logged and answered with a bare 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.message });
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json({
        error: 'invalid request',
        issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
      return;
    }
    if (error instanceof InvalidEventError) {
      res.status(400).json({ error: error.message });
      return;
    }
    if (error instanceof URIError) {
      res.status(400).json({ error: 'the request path is not valid percent-encoding' });
      return;
    }
    const client = clientError(error);
    if (client !== undefined) {
      res.status(client.status).json({ error: client.message });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error in request');
    res.status(500).json({ error: 'internal error' });
  };
}
