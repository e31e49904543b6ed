import { request, type Agent } from 'node:http';

/**
 * One GET whose latency runs from `due` (its scheduled time, not when it could be sent); `done` gets the latency
 * of a 200, or undefined for another status or a failed request.
 */
export function timedRequest(
  url: string,
  options: { agent: Agent; headers?: Record<string, string> },
  due: number,
  done: (latencyMs: number | undefined) => void,
): void {
  const req = request(url, options, (res) => {
    res.resume();
    res.on('end', () => {
      done(res.statusCode === 200 ? performance.now() - due : undefined);
    });
  });
  req.on('error', () => {
    done(undefined);
  });
  req.end();
}
