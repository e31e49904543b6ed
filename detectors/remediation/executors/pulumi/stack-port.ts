/**
 * The few Automation API calls the Pulumi executor makes, as a port: the real adapter (automation.ts) maps
 * them one to one onto a selected stack; tests fake the port. Config keys are Pulumi property paths
 * (`services["web"].replicas`) in the project's namespace.
 */
export interface RunOptions {
  /** Each line the Pulumi engine prints. */
  readonly onOutput: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Only these resources (URNs) are refreshed, previewed or updated (`--target`); every one when absent. */
  readonly target?: readonly string[];
}

/** Counts per operation (`update`, `create`, `same`...), as the engine summarises a preview. */
export type ChangeSummary = Readonly<Partial<Record<string, number>>>;

export interface StackPort {
  readonly name: string;
  /** The value at a config path, undefined when it is not set. */
  getConfig(path: string): Promise<string | undefined>;
  setConfig(path: string, value: string): Promise<void>;
  removeConfig(path: string): Promise<void>;
  /** Non-secret configuration of the last successful update (full keys), undefined before the first. */
  lastUpdateConfig(): Promise<Readonly<Record<string, string>> | undefined>;
  /** The stack's outputs (values) from its last update; undefined before the first. */
  outputs(): Promise<Readonly<Record<string, unknown>> | undefined>;
  /** Reads the cluster's actual state into the stack's state (e.g. replicas an autoscaler changed). */
  refresh(options: RunOptions): Promise<void>;
  preview(options: RunOptions): Promise<ChangeSummary>;
  /** Runs an update; resolves with the engine's result (`succeeded`, `failed`...). */
  up(options: RunOptions): Promise<string>;
}
