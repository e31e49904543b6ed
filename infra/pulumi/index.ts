/**
 * The Pulumi program (Pulumi.yaml's main): reads the stack's configuration, validates it, deploys the
 * platform and exports what was deployed. Everything else lives in modules the tests load under mocks.
 */
import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig } from './config.ts';
import { deployPlatform } from './platform.ts';

const raw = new pulumi.Config('insitechart');
const config = loadStackConfig({ get: (key) => raw.get(key) });
const outputs = deployPlatform(config, {
  adminPassword: raw.requireSecret('adminPassword'),
  ingestToken: raw.requireSecret('ingestToken'),
  alertsConfig: raw.getSecret('alertsConfig') ?? '{}',
  ...(raw.getSecret('pulumiAccessToken') === undefined
    ? {}
    : { pulumiAccessToken: raw.requireSecret('pulumiAccessToken') }),
});

export const namespace = outputs.namespace;
export const workloads = outputs.workloads;
export const images = outputs.images;
/** Read by the remediation executor before it grows a data volume (detectors/remediation/executors/pulumi). */
export const dataVolumes = outputs.dataVolumes;
/** Read by the remediation executor: what it may update (`--target`), which is what its RBAC allows (rbac.ts). */
export const remediationTargets = outputs.remediationTargets;
/** Read by the remediation executor before it raises an autoscaler's maxReplicas (a scale-out). */
export const scaling = outputs.scaling;
/** Per service, the live image tag and the one a rollback returns to. */
export const imageTags = outputs.imageTags;
/**
 * The tag that went out and the one live before it: the deploy workflow reads both before its next update and passes
 * `previousImageTag` on, so a rollback always knows the tag to return to (.github/workflows/deploy.yml).
 */
export const imageTag = config.imageTag;
export const previousImageTag = config.previousImageTag;
