/**
 * Runs the program under pulumi.runtime.setMocks and records every resource with its resolved inputs, so
 * tests assert on what would be sent to Kubernetes. setMocks must run before the program's modules load
 * (their resources register against the mocked monitor): deploy() imports platform.ts dynamically.
 */
import * as pulumi from '@pulumi/pulumi';
import { parseStackConfig, type StackConfig } from '../config.ts';
import type { PlatformOutputs } from '../platform.ts';

export interface Recorded {
  /** e.g. kubernetes:apps/v1:Deployment, kubernetes:argoproj.io/v1alpha1:Rollout */
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

let recorded: Recorded[] = [];
/** Objects that already exist in the mocked cluster, by `<type>/<id>` (e.g. a StorageClass the program reads). */
export const clusterObjects = new Map<string, Record<string, unknown>>();
let created: pulumi.Resource[] = [];
let ready: Promise<void> | undefined;

function install(): Promise<void> {
  ready ??= (async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          // A read of an existing object (Resource.get): what the test put in the cluster, never recorded as sent.
          if (args.id !== undefined && args.id !== '') {
            return { id: args.id, state: clusterObjects.get(`${args.type}/${args.id}`) ?? {} };
          }
          recorded.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
          return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      'insitechart',
      'test',
      false,
      'acme',
    );
  })();
  return ready;
}

const resolved = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

export const testSecrets = { adminPassword: 'admin-pass', ingestToken: 'ict_test', alertsConfig: '{"route":{}}' };

/** A minimal valid configuration; fields override it. */
export function testConfig(fields: Readonly<Record<string, unknown>> = {}): StackConfig {
  return parseStackConfig({
    environment: 'prod',
    namespace: 'insitechart',
    imageRepository: 'ghcr.io/acme/insitechart',
    imageTag: 'abc123',
    publicUrl: 'https://insitechart.example',
    ...fields,
  });
}

/** Runs a program under mocks and returns every resource it registered, once all reached the mocked monitor. */
export async function record<T>(program: () => Promise<T>): Promise<{ resources: Recorded[]; result: T }> {
  await install();
  recorded = [];
  created = [];
  let result: { value: T } | undefined;
  // The root stack resource exists only inside runInPulumiStack; the transformation sees every resource.
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      created.push(args.resource);
      return undefined;
    });
    result = { value: await program() };
    return undefined;
  });
  await Promise.all(created.map((r) => resolved(r.urn)));
  if (result === undefined) throw new Error('the program did not run');
  return { resources: recorded, result: result.value };
}

/** Deploys a configuration under mocks (platform.ts loads after the mocks are in place). */
export async function deploy(config: StackConfig): Promise<{ resources: Recorded[]; outputs: PlatformOutputs }> {
  const { resources, result } = await record(async () => {
    const { deployPlatform } = await import('../platform.ts');
    return deployPlatform(config, testSecrets);
  });
  return { resources, outputs: result };
}

export const ofType = (resources: readonly Recorded[], kind: string): Recorded[] =>
  resources.filter((r) => r.type.endsWith(`:${kind}`));

/** The signature Pulumi marks secret values with in resource inputs. */
const secretSig = '4dabf18193072939515e22adb298388d';

/** A secret input's value; fails when the value is not marked secret (it would land in the state in clear). */
export function secretValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') throw new Error('not a secret');
  const v = value as Record<string, unknown>;
  if (v[secretSig] !== '1b47061264138c4ac30d75fd1eb44270') throw new Error('not a secret');
  return v.value;
}

/** Reads a nested field of a recorded input without casts at every call site. */
export function field(value: unknown, ...path: readonly (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}
