/**
 * The remediation service of the distributed mode: the same engine, guardrails, approvals and API as embedded, fed
 * by the backbone (Kafka), acting on the Kubernetes stack through the Pulumi executor (Automation API) and verifying
 * through Prometheus, since the signals are other processes' metrics.
 */
import type { Service } from '../../../platform/runtime/service.ts';
import { PrometheusSource } from '../../sources/prometheus.ts';
import { openPulumiStack, type StackLocation } from '../executors/pulumi/automation.ts';
import { PulumiExecutor } from '../executors/pulumi/executor.ts';
import type { StackPort } from '../executors/pulumi/stack-port.ts';
import { remediationService } from '../service.ts';
import { prometheusProbe, type InstantQuery } from './prometheus-probe.ts';
import type { DistributedSettings } from './settings.ts';

export interface DistributedRemediationOptions {
  readonly settings: DistributedSettings;
  /** Services the stack deploys (infra/pulumi/services.ts): the executor refuses any other. */
  readonly services: readonly string[];
  /** Opens the stack; by default the Automation API's local workspace (tests fake it at this port). */
  readonly openStack?: (location: StackLocation) => Promise<StackPort>;
  /** Where verification reads series; by default Prometheus at REMEDIATION_PROMETHEUS_URL. */
  readonly prometheus?: InstantQuery;
}

export function distributedRemediationService(options: DistributedRemediationOptions): Service {
  const { settings } = options;
  const prometheus =
    options.prometheus ??
    new PrometheusSource({
      url: settings.prometheusUrl,
      queries: [],
      stepMs: 15_000,
      lookbackMs: 0,
      timeoutMs: settings.prometheusTimeoutMs,
      retries: 1,
    });
  const open = options.openStack ?? openPulumiStack;
  let pulumi: PulumiExecutor | undefined;
  return remediationService({
    executor: async () => {
      pulumi = new PulumiExecutor({
        stack: await open({
          workDir: settings.workDir,
          stackName: settings.stackName,
          ...(settings.workspaceDir === undefined ? {} : { workspaceDir: settings.workspaceDir }),
        }),
        services: options.services,
        refreshFirst: settings.refreshFirst,
        // Only the action's own resources: what the service account may patch (infra/pulumi/rbac.ts).
        targeted: true,
      });
      // The autoscalers as deployed, for the blast radius (refreshed after each update).
      await pulumi.loadDeployed();
      return pulumi;
    },
    replicas: (action) => pulumi?.replicas(action),
    probe: (resolved) => prometheusProbe(prometheus, resolved),
  });
}
