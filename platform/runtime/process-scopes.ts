import type { Worker } from 'node:worker_threads';

/** Something a component holds in its process: released when the component restarts. */
export interface HeldResource {
  release(): void;
  /** A thread of the component: its heap and external memory count as the component's memory. */
  readonly thread?: Worker;
}

const MAX_COMPONENTS = 64;
const MAX_HELD = 64;

/**
 * Process scopes of the embedded mode, where every component (a service, a consumer group) shares one process: what
 * a component holds in its process lives in its scope, and restarting the component releases all of it at once and
 * starts a new generation, as a container's restart frees what its process held. Each scope's memory is read from
 * its threads' own heaps (what a kubelet reports per container), so a leak can be placed on a component by the
 * platform's telemetry alone.
 */
export class ProcessScopes {
  readonly #held = new Map<string, Set<HeldResource>>();

  /** Holds `resource` in `component`'s scope; the returned function lets go of it without releasing it. */
  hold(component: string, resource: HeldResource): () => void {
    let set = this.#held.get(component);
    if (set === undefined) {
      if (this.#held.size >= MAX_COMPONENTS) throw new RangeError(`at most ${String(MAX_COMPONENTS)} components`);
      set = new Set();
      this.#held.set(component, set);
    }
    if (set.size >= MAX_HELD) throw new RangeError(`at most ${String(MAX_HELD)} resources in ${component}`);
    set.add(resource);
    return () => {
      set.delete(resource);
    };
  }

  /** Restarts a component: everything its scope held is released. Returns how many resources that was. */
  restart(component: string): number {
    const set = this.#held.get(component);
    const released = [...(set ?? [])];
    set?.clear();
    for (const resource of released) resource.release();
    return released.length;
  }

  /** Bytes each component's threads hold now (heap used plus external memory such as buffers); 0 for a component
   * that held something once and holds nothing now, so a reading that fell is seen to fall. */
  async memory(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const [component, set] of [...this.#held]) {
      let bytes = 0;
      for (const { thread } of set) {
        if (thread === undefined) continue;
        try {
          const stats = await thread.getHeapStatistics();
          bytes += stats.used_heap_size + stats.external_memory;
        } catch {
          // the thread ended between listing and reading: it holds nothing any more
        }
      }
      result[component] = bytes;
    }
    return result;
  }
}
