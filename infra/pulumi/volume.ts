/**
 * A persistent service's data volume (a PersistentVolumeClaim) and what the remediation executor needs to grow it:
 * its deployed size, its maximum and whether its StorageClass allows expansion (read from the cluster, not
 * assumed). Growing is a change of `services["<svc>"].storageGi` and an update; Kubernetes resizes the claim in
 * place (the provider does not replace a claim whose request changes) and never shrinks one.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { serviceSettings, type StackConfig } from './config.ts';
import { labelsFor } from './pod.ts';
import type { ServiceSpec } from './services.ts';

/** One entry of the stack output `dataVolumes` (the executor validates it on its side). */
export interface DataVolume {
  readonly claim: string;
  readonly sizeGi: number;
  readonly maxGi: number;
  readonly storageClass: string | null;
  /** The StorageClass's `allowVolumeExpansion`; false when no class is named (the cluster default is not read). */
  readonly expandable: pulumi.Output<boolean>;
}

export const claimName = (service: string): string => `${service}-data`;

/** Whether the named StorageClass allows expansion, read once per program run. */
export function volumeExpansion(config: StackConfig, opts: pulumi.CustomResourceOptions): pulumi.Output<boolean> {
  if (config.storageClass === undefined) return pulumi.output(false);
  const storageClass = k8s.storage.v1.StorageClass.get('data-storage-class', config.storageClass, opts);
  // Unset on the object means false (Kubernetes' default), though the SDK types it as always present.
  return storageClass.allowVolumeExpansion.apply((allowed: boolean | undefined) => allowed ?? false);
}

export function dataVolume(
  spec: ServiceSpec,
  config: StackConfig,
  expandable: pulumi.Output<boolean>,
  opts: pulumi.CustomResourceOptions,
): { readonly volume: DataVolume; readonly urn: pulumi.Output<string> } {
  const { storageGi, maxStorageGi } = serviceSettings(config, spec.name);
  const name = claimName(spec.name);
  const claim = new k8s.core.v1.PersistentVolumeClaim(
    name,
    {
      metadata: { name, namespace: config.namespace, labels: labelsFor(spec.name) },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: `${String(storageGi)}Gi` } },
        ...(config.storageClass === undefined ? {} : { storageClassName: config.storageClass }),
      },
    },
    // The data outlives the stack's idea of it: a claim Pulumi would ever delete or replace is left in the cluster.
    { ...opts, retainOnDelete: true },
  );
  return {
    volume: {
      claim: name,
      sizeGi: storageGi,
      maxGi: maxStorageGi,
      storageClass: config.storageClass ?? null,
      expandable,
    },
    urn: claim.urn,
  };
}
