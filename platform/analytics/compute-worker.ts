/** The compute worker's thread: runs one analytics job per message and answers its result as JSON text. */
import { parentPort } from 'node:worker_threads';
import { computeJobs, type JobName } from './compute-jobs.ts';
import { AnalyticsInputError, SingularMatrixError } from './errors.ts';

export interface JobMessage {
  readonly id: number;
  readonly job: JobName;
  readonly request: unknown;
}

export type JobAnswer =
  | { readonly id: 0; readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly json: string }
  | { readonly id: number; readonly ok: false; readonly input: boolean; readonly message: string };

const port = parentPort;
port?.on('message', (m: JobMessage) => {
  let answer: JobAnswer;
  try {
    const run = computeJobs[m.job] as (request: unknown) => unknown;
    answer = { id: m.id, ok: true, json: JSON.stringify(run(m.request)) };
  } catch (error) {
    answer = {
      id: m.id,
      ok: false,
      input: error instanceof AnalyticsInputError || error instanceof SingularMatrixError,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(answer);
});
// Modules are loaded: from now on the deadline measures computing.
port?.postMessage({ id: 0, ready: true } satisfies JobAnswer);
