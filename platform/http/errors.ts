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

function bodyParserStatus(error: unknown): { status: number; type: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  return typeof status === 'number' && typeof type === 'string' ? { status, type } : undefined;
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
    const parser = bodyParserStatus(error);
    if (parser !== undefined && parser.status >= 400 && parser.status < 500) {
      const message =
        parser.type === 'entity.parse.failed'
          ? 'request body is not valid JSON'
          : parser.type === 'entity.too.large'
            ? 'request body is too large'
            : `bad request body (${parser.type})`;
      res.status(parser.status).json({ error: message });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error in request');
    res.status(500).json({ error: 'internal error' });
  };
}
