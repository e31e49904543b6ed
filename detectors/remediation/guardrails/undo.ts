import { toError } from '../../../platform/async/to-error.ts';
import type { ExecutionResult, RemediationExecutor } from '../executor.ts';

export interface UndoOutcome {
  readonly undone: boolean;
  readonly detail: string;
}

/**
 * Puts things back after an action whose verification failed, with the undo action the executor returned. An
 * action without one (a restart) cannot be undone: said so, not pretended.
 */
export async function undoAction(
  executor: RemediationExecutor,
  result: ExecutionResult,
  options: { dryRun: boolean; signal: AbortSignal },
): Promise<UndoOutcome> {
  if (result.undo === undefined) return { undone: false, detail: 'nothing to undo: the action has no inverse' };
  try {
    const undo = await executor.execute(result.undo, options);
    return { undone: undo.ok, detail: undo.ok ? `undone: ${undo.detail}` : `undo failed: ${undo.detail}` };
  } catch (error) {
    return { undone: false, detail: `undo failed: ${toError(error).message}` };
  }
}
