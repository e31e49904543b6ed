import type { TopicData } from '../../platform/backbone/topics.ts';
import { serviceOfApiPath } from '../../platform/http/api-services.ts';
import type { FaultKind } from '../../platform/faults/kinds.ts';

/** The fixed check whose state says whether a fault's signal is back to normal, and its subject. */
export function recoverySignal(kind: FaultKind, service: string): { check: string; subject: string } {
  switch (kind) {
    case 'latency':
      return { check: 'latency', subject: service };
    case 'error-rate':
    case 'bad-deploy':
      return { check: 'error-ratio', subject: service };
    case 'feed-stall':
      return { check: 'feed-stall', subject: 'market-feed' };
    case 'consumer-lag':
      return { check: 'consumer-lag', subject: service };
    case 'memory-leak':
      return { check: 'component-memory', subject: service };
    case 'disk-fill':
      return { check: 'disk-growth', subject: 'data-dir' };
  }
}

/**
 * Whether a detection is about this fault on the right service: a fixed check on it, or an anomaly on one of its
 * series (a route of the service, its consumer group, the feed's tick rate). A leak is seen on its component's
 * memory, or on the process's as a whole; the disk is the one DATA_DIR's in embedded mode: no detection could name
 * the service, so the DATA_DIR's counts.
 */
export function detects(kind: FaultKind, service: string, d: TopicData<'detections'>): boolean {
  const s = d.series;
  const name = s.__name__ ?? '';
  const signal = recoverySignal(kind, service);
  if (d.detector === 'check')
    return (
      (s.check === signal.check && s.service === signal.subject) ||
      (kind === 'memory-leak' && s.check === 'memory-growth')
    );
  const route = s.route === undefined ? undefined : serviceOfApiPath(s.route);
  switch (kind) {
    case 'latency':
      return route === service && name.startsWith('insitechart_http_request_duration_seconds');
    case 'error-rate':
    case 'bad-deploy':
      return route === service && (s.status_code ?? '').startsWith('5');
    case 'feed-stall':
      return name.startsWith('insitechart_feed_ticks_total');
    case 'consumer-lag':
      return s.group === service;
    case 'memory-leak':
      return /resident_memory|heap|external_memory/.test(name);
    case 'disk-fill':
      return false;
  }
}
