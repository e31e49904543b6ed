import { readFileSync } from 'node:fs';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** A process's use of the machine over a span. */
export interface ProcessUse {
  readonly cpuSeconds: number;
  /** Event-loop utilisation (0-1): share of the span its loop was not idle, waiting for a CPU included. */
  readonly elu: number;
  /** Share of the span (0-1) its main thread was runnable but waiting for a CPU; NaN off Linux. */
  readonly cpuWait: number;
}

/** Above this event-loop utilisation a process is saturated: what it measures includes its own queue. */
export const SATURATED_ELU = 0.9;

/** Nanoseconds the main thread has waited on a run queue (Linux's schedstat), NaN where unreadable. */
function runQueueWaitNs(): number {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return Number.NaN;
  }
}

/** Starts measuring this process's use; the returned function reads it since then. */
export function measureProcessUse(): () => ProcessUse {
  const cpu = process.cpuUsage();
  const elu: EventLoopUtilization = performance.eventLoopUtilization();
  const wait = runQueueWaitNs();
  const started = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    const spanNs = (performance.now() - started) * 1e6;
    return {
      cpuSeconds: (used.user + used.system) / 1e6,
      elu: performance.eventLoopUtilization(elu).utilization,
      cpuWait: (runQueueWaitNs() - wait) / spanNs,
    };
  };
}
