/**
 * `expand-volume`: a service's data volume grows by a share of its deployed size, within the maximum the stack sets,
 * only when its StorageClass allows expansion. What is deployed is read from the stack output `dataVolumes`
 * (infra/pulumi/volume.ts), never assumed. A PersistentVolumeClaim cannot shrink: the change has no undo.
 */
import { z } from 'zod';
import type { RemediationAction } from '../../executor.ts';
import { servicePath, type Resolved } from './changes.ts';

const volume = z.object({
  claim: z.string(),
  sizeGi: z.number().int().positive(),
  maxGi: z.number().int().positive(),
  storageClass: z.string().nullable(),
  expandable: z.boolean(),
});
const dataVolumes = z.record(z.string(), volume);
const params = z.object({ growPercent: z.number().int().min(10).max(200) }).strict();

/** The stack's outputs of its last update (undefined before the first). */
export type OutputsReader = () => Promise<Readonly<Record<string, unknown>> | undefined>;

export async function resolveVolumeGrowth(action: RemediationAction, outputs: OutputsReader): Promise<Resolved> {
  const parsed = params.safeParse(action.params);
  if (!parsed.success) {
    return { ok: false, detail: `expand-volume: bad params: ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  }
  const deployed = dataVolumes.safeParse((await outputs())?.dataVolumes);
  if (!deployed.success) return { ok: false, detail: 'expand-volume: the stack exports no valid dataVolumes' };
  const v = deployed.data[action.service];
  if (v === undefined) return { ok: false, detail: `${action.service} has no data volume` };
  if (!v.expandable) {
    const cls = v.storageClass === null ? 'the cluster default storage class (not named)' : v.storageClass;
    return { ok: false, detail: `${v.claim}: ${cls} does not allow volume expansion` };
  }
  const target = Math.min(v.maxGi, Math.ceil(v.sizeGi * (1 + parsed.data.growPercent / 100)));
  if (target <= v.sizeGi) return { ok: false, detail: `${v.claim} is at its maximum of ${String(v.maxGi)} Gi` };
  return {
    ok: true,
    change: {
      path: servicePath(action.service, 'storageGi'),
      value: String(target),
      note: `${v.claim} ${String(v.sizeGi)} -> ${String(target)} Gi (at most ${String(v.maxGi)}); a claim cannot shrink: no undo`,
      undoFrom: () => undefined,
    },
  };
}
