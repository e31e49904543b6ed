import type { AlertsConfig } from '../config/schema.ts';
import { Correlator } from '../stages/correlate.ts';
import { Topology } from '../stages/topology.ts';
import type { IncidentCorrelator } from './correlator.ts';
import { EntityCorrelator } from './entity-correlator.ts';
import { GroupByCorrelator } from './group-by-correlator.ts';
import type { ServiceGraph } from './service-graph.ts';

/** The correlator the configuration asks for. */
export function createCorrelator(config: AlertsConfig, graph?: ServiceGraph): IncidentCorrelator {
  const c = config.correlation;
  if (c.strategy === 'group_by') return new GroupByCorrelator(c.group_by);
  if (c.strategy === 'topology')
    return new Correlator(
      { windowMs: c.window, maxHops: c.max_hops, equal: c.equal, labels: c.labels, similarity: c.similarity },
      new Topology(config.topology, c.max_hops),
    );
  return new EntityCorrelator({
    windowMs: c.window,
    threshold: c.threshold,
    decayMs: c.decay,
    symptomWeight: c.symptom_weight,
    foreignSymptom: c.foreign_symptom,
    affinityWeight: 1,
    background: c.background,
    graphWeight: c.graph_weight,
    tracedWeight: c.traced_weight,
    foreignFailure: c.foreign_failure,
    mergeOnsetMs: c.merge_onset,
    ...(graph === undefined ? {} : { graph }),
    maxConcurrent: 20_000,
    maxAffinityPairs: 50_000,
  });
}
