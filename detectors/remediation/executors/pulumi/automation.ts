/**
 * The real StackPort: Pulumi's Automation API on a local workspace (the program in infra/pulumi and the
 * `pulumi` CLI on the PATH, logged in to the stack's backend). Thin on purpose: no logic to test here, and
 * the CLI cannot run on the development machines (see the README).
 */
import * as pulumi from '@pulumi/pulumi';
import type { RunOptions, StackPort } from './stack-port.ts';
import { prepareWorkspace } from './workspace.ts';

export interface StackLocation {
  /** The Pulumi project's directory (infra/pulumi). */
  readonly workDir: string;
  /** Fully qualified or short stack name (`prod`, `acme/insitechart/prod`). */
  readonly stackName: string;
  /**
   * A writable directory for the workspace's settings when the project's is not (a read-only image): its Pulumi.yaml
   * runs the program where it is, and the stack file starts as the project's copy (workspace.ts).
   */
  readonly workspaceDir?: string;
}

const runOptions = (o: RunOptions) => ({
  onOutput: o.onOutput,
  ...(o.signal ? { signal: o.signal } : {}),
  ...(o.target ? { target: [...o.target] } : {}),
});

export async function openPulumiStack(location: StackLocation): Promise<StackPort> {
  const workDir =
    location.workspaceDir === undefined
      ? location.workDir
      : prepareWorkspace({
          projectDir: location.workDir,
          workspaceDir: location.workspaceDir,
          stackName: location.stackName,
        });
  const stack = await pulumi.automation.LocalWorkspace.selectStack({ stackName: location.stackName, workDir });
  return {
    name: stack.name,
    getConfig: async (path) => {
      try {
        return (await stack.getConfig(path, true)).value;
      } catch (error) {
        // The CLI's only way of saying "not set"; any other failure is a real error.
        if (error instanceof Error && /not found/i.test(error.message)) return undefined;
        throw error;
      }
    },
    setConfig: (path, value) => stack.setConfig(path, { value }, true),
    removeConfig: (path) => stack.removeConfig(path, true),
    lastUpdateConfig: async () => {
      const last = (await stack.history(20)).find((u) => u.kind === 'update' && u.result === 'succeeded');
      if (last === undefined) return undefined;
      return Object.fromEntries(
        Object.entries(last.config)
          .filter(([, v]) => v.secret !== true)
          .map(([k, v]) => [k, v.value]),
      );
    },
    outputs: async () => {
      const out = await stack.outputs();
      const entries = Object.entries(out);
      return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([k, v]) => [k, v.value as unknown]));
    },
    refresh: async (o) => {
      await stack.refresh(runOptions(o));
    },
    preview: async (o) => (await stack.preview({ ...runOptions(o), diff: true })).changeSummary,
    up: async (o) => (await stack.up(runOptions(o))).summary.result,
  };
}
