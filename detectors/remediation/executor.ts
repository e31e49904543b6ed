/**
 * The one port every remediation executor implements: the Pulumi Automation API executor for Kubernetes and the
 * local executor that acts on the embedded platform. Policies and guardrails only ever see this interface.
 */
export type ActionKind =
  | 'scale'
  | 'restart'
  | 'rollback'
  | 'canary-weight'
  | 'throttle-source'
  | 'pause-producer'
  | 'failover-feed'
  | 'revert-config'
  /** Grows a service's data volume (Kubernetes: a PersistentVolumeClaim; it cannot shrink back). */
  | 'expand-volume';

export interface RemediationAction {
  readonly id: string;
  readonly kind: ActionKind;
  readonly service: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
}

export interface ExecutionResult {
  readonly ok: boolean;
  readonly detail: string;
  /** What undo needs to put things back as they were before this action. */
  readonly undo?: RemediationAction;
}

export interface ExecuteOptions {
  readonly dryRun: boolean;
  readonly signal?: AbortSignal;
}

export interface RemediationExecutor {
  readonly name: string;
  supports(kind: ActionKind): boolean;
  execute(action: RemediationAction, options: ExecuteOptions): Promise<ExecutionResult>;
}
