/**
 * Distributed mode: the remediation engine alone, on Kafka. It reads detections and operational alerts from the
 * backbone, acts on the Kubernetes stack through Pulumi's Automation API (the `pulumi` CLI in the image, logged in
 * to the stack's backend) and verifies through Prometheus. One instance: approvals and cooldowns live in it.
 */
import { runMain } from '../../platform/runtime/run-main.ts';
import { checkEngineSettings, checkPulumiCli, loadDistributedSettings } from './distributed/settings.ts';

await runMain({
  checks: [
    () => {
      checkEngineSettings();
      loadDistributedSettings();
      checkPulumiCli();
    },
  ],
  services: async () => {
    const [{ distributedRemediationService }, { services }] = await Promise.all([
      import('./distributed/service.ts'),
      import('../../infra/pulumi/services.ts'),
    ]);
    return [
      distributedRemediationService({ settings: loadDistributedSettings(), services: services.map((s) => s.name) }),
    ];
  },
  distributed: true,
});
