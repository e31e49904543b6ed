/**
 * What each action kind changes in the stack's configuration (infra/pulumi/config.ts reads the same keys),
 * and the action that puts the previous value back. Pure; params are validated here.
 */
import { z } from 'zod';
import type { ActionKind, RemediationAction } from '../../executor.ts';

export type PulumiActionKind = Extract<ActionKind, 'scale' | 'restart' | 'rollback' | 'canary-weight'>;
export const pulumiKinds: readonly PulumiActionKind[] = ['scale', 'restart', 'rollback', 'canary-weight'];

export const servicePath = (service: string, field: string) => `services["${service}"].${field}`;
/** A stack-wide key, as the deploy workflow sets it (and the executor syncs it from the last update). */
export const stackKey = (name: string) => `insitechart:${name}`;

const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an image tag');
const reset = z.object({ reset: z.literal(true) }).strict();
const paramSchemas = {
  scale: z.union([z.object({ replicas: z.number().int().min(1).max(50) }).strict(), reset]),
  'canary-weight': z.union([z.object({ weight: z.number().int().min(0).max(100) }).strict(), reset]),
  rollback: z.union([z.object({ imageTag: imageTag.optional() }).strict(), reset]),
  restart: z.object({}).strict(),
} as const;

const fieldOf: Readonly<Record<PulumiActionKind, string>> = {
  scale: 'replicas',
  'canary-weight': 'canaryWeight',
  rollback: 'imageTag',
  restart: 'restartedAt',
};

export interface ConfigChange {
  readonly path: string;
  /** The new value; undefined removes the key (the stack's default applies again). */
  readonly value: string | undefined;
  /** What the change means beyond the key and values (said in the result's detail). */
  readonly note?: string;
  /** Builds the action that restores what was there before (undefined: nothing can be undone). */
  readonly undoFrom: (previous: string | undefined) => RemediationAction | undefined;
}

export type Resolved =
  { readonly ok: true; readonly change: ConfigChange } | { readonly ok: false; readonly detail: string };

/** Reads a previous config value: a rollback without a tag goes back to the recorded previous tag. */
export type ConfigReader = (path: string) => Promise<string | undefined>;

export function isPulumiKind(kind: ActionKind): kind is PulumiActionKind {
  return (pulumiKinds as readonly string[]).includes(kind);
}

export async function resolveChange(
  action: RemediationAction & { readonly kind: PulumiActionKind },
  read: ConfigReader,
  now: () => Date,
): Promise<Resolved> {
  const parsed = paramSchemas[action.kind].safeParse(action.params);
  if (!parsed.success) {
    return { ok: false, detail: `${action.kind}: bad params: ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  }
  const path = servicePath(action.service, fieldOf[action.kind]);
  const params: Readonly<Record<string, unknown>> = parsed.data;
  const undo = (prev: string | undefined): RemediationAction => {
    const key = action.kind === 'scale' ? 'replicas' : action.kind === 'canary-weight' ? 'weight' : 'imageTag';
    const restored = prev === undefined ? { reset: true } : { [key]: action.kind === 'rollback' ? prev : Number(prev) };
    return { id: `${action.id}:undo`, kind: action.kind, service: action.service, params: restored };
  };
  if ('reset' in params) return { ok: true, change: { path, value: undefined, undoFrom: undo } };
  switch (action.kind) {
    case 'scale':
      return { ok: true, change: { path, value: String(params.replicas), undoFrom: undo } };
    case 'canary-weight':
      return { ok: true, change: { path, value: String(params.weight), undoFrom: undo } };
    case 'restart':
      // A restart cannot be taken back: the pods are new either way.
      return { ok: true, change: { path, value: now().toISOString(), undoFrom: () => undefined } };
    case 'rollback': {
      // The service's own record wins; else the stack's, which the deploy workflow sets from the tag live before.
      const tag =
        typeof params.imageTag === 'string'
          ? params.imageTag
          : ((await read(servicePath(action.service, 'previousImageTag'))) ??
            (await read(stackKey('previousImageTag'))));
      if (tag === undefined) {
        return {
          ok: false,
          detail: `rollback of ${action.service}: no imageTag given and no previousImageTag recorded (a person decides)`,
        };
      }
      if (!imageTag.safeParse(tag).success)
        return { ok: false, detail: `rollback of ${action.service}: bad tag ${tag}` };
      const live = (await read(path)) ?? (await read(stackKey('imageTag')));
      if (live === tag) return { ok: false, detail: `rollback of ${action.service}: ${tag} is the tag it runs` };
      const note = `${action.service} ${live ?? '(unknown)'} -> ${tag}; undo rolls forward to ${live ?? 'the stack tag'}`;
      return { ok: true, change: { path, value: tag, note, undoFrom: undo } };
    }
  }
}
