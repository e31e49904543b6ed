/**
 * Renders the plan (plan.ts) as Argo Rollouts objects: the Rollout's strategy block and the AnalysisTemplate
 * whose three metrics are the gates. Pure: the workload module wraps them in resources.
 */
import type { Gates, Step } from './plan.ts';

export const analysisTemplateName = 'insitechart-gates';

export interface AnalysisOptions {
  readonly prometheusUrl: string;
  readonly intervalSeconds: number;
  readonly count: number;
  readonly gates: Gates;
}

/**
 * Queries take the service as an argument. The error rate counts 5xx responses, or failed
 * handler runs for a consumer; an anomaly score the detector tier has not exported yet counts as 0 (`or
 * vector(0)`) rather than as a failed measurement, so the gate is neutral until the metric exists.
 */
export function analysisTemplateSpec(options: AnalysisOptions): Record<string, unknown> {
  // Scrape jobs are named insitechart-<service> (observability.ts), as the platform's rules expect.
  const job = 'job="insitechart-{{args.service}}"';
  const prometheus = (query: string) => ({ prometheus: { address: options.prometheusUrl, query } });
  const metric = (name: string, limit: number, query: string) => ({
    name,
    interval: `${options.intervalSeconds}s`,
    count: options.count,
    failureLimit: 0,
    // No data is an error, never a pass; three in a row fail the analysis.
    consecutiveErrorLimit: 3,
    successCondition: `result[0] <= ${limit}`,
    provider: prometheus(query),
  });
  const http = `insitechart_http_request_duration_seconds`;
  return {
    args: [{ name: 'service' }],
    metrics: [
      metric(
        'error-rate',
        options.gates.errorRate,
        `(sum(rate(${http}_count{${job},status_code=~"5.."}[1m])) + ` +
          `sum(rate(insitechart_bus_events_consumed_total{${job},outcome="error"}[1m]) or vector(0))) / ` +
          `clamp_min(sum(rate(${http}_count{${job}}[1m])) + ` +
          `sum(rate(insitechart_bus_events_consumed_total{${job}}[1m]) or vector(0)), 1e-9)`,
      ),
      metric(
        'latency-p99',
        options.gates.latencyP99Seconds,
        `histogram_quantile(0.99, sum by (le) (rate(${http}_bucket{${job}}[1m])))`,
      ),
      metric(
        'anomaly-score',
        options.gates.anomalyScore,
        `max(insitechart_detector_anomaly_score{series=~".*{{args.service}}.*"}) or vector(0)`,
      ),
    ],
  };
}

const analysisRef = (service: string) => ({
  templates: [{ templateName: analysisTemplateName }],
  args: [{ name: 'service', value: service }],
});

export function argoCanaryStep(step: Step, service: string): Record<string, unknown> {
  switch (step.kind) {
    case 'weight':
      return { setWeight: step.weight };
    case 'analysis':
      return { analysis: analysisRef(service) };
    case 'pause':
      return { pause: step.seconds === undefined ? {} : { duration: `${step.seconds}s` } };
  }
}

/** Without a traffic router Argo approximates a weight with the share of replicas; Services split by pod hash. */
export function canaryStrategy(service: string, steps: readonly Step[]): Record<string, unknown> {
  return {
    canary: {
      stableService: service,
      canaryService: `${service}-canary`,
      maxSurge: '25%',
      maxUnavailable: 0,
      steps: steps.map((s) => argoCanaryStep(s, service)),
    },
  };
}

export function blueGreenStrategy(service: string): Record<string, unknown> {
  return {
    blueGreen: {
      activeService: service,
      previewService: `${service}-preview`,
      autoPromotionEnabled: true,
      prePromotionAnalysis: analysisRef(service),
      postPromotionAnalysis: analysisRef(service),
      // The old version stays up this long after the switch, so a failed post-promotion gate switches back at once.
      scaleDownDelaySeconds: 600,
      abortScaleDownDelaySeconds: 30,
    },
  };
}
