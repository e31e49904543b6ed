/**
 * Distributed mode: the detector tier on its own, on Kafka. It receives OTLP at /v1/{metrics,traces,logs}
 * and reads the sources named by DETECTOR_SOURCES (typically prometheus,otlp here; see detectors/README.md).
 */
import { otlpReceiverService } from '../collectors/otlp/service.ts';
import { runMain } from '../platform/runtime/run-main.ts';
import { detectorService } from './service.ts';

await runMain({
  services: () => {
    const otlp = otlpReceiverService();
    return [otlp, detectorService({ otlp })];
  },
  distributed: true,
});
