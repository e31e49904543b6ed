/** FIFO ring buffer with a fixed capacity: pushing into a full queue evicts the oldest item. */
export class BoundedQueue<T> {
  readonly capacity: number;
  private readonly slots: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Appends an item; returns true when the oldest item was evicted to make room. */
  push(item: T): boolean {
    const evicted = this.size === this.capacity;
    if (evicted) this.head = (this.head + 1) % this.capacity;
    else this.size++;
    this.slots[(this.head + this.size - 1) % this.capacity] = item;
    return evicted;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.slots[this.head];
  }

  /** Removes and returns up to `n` of the oldest items, oldest first. */
  take(n: number): T[] {
    const count = Math.min(n, this.size);
    const out: T[] = [];
    for (let i = 0; i < count; i++) {
      out.push(this.slots[this.head] as T);
      this.slots[this.head] = undefined; // let the item be collected
      this.head = (this.head + 1) % this.capacity;
    }
    this.size -= count;
    return out;
  }

  /** Empties the queue; returns how many items it held. */
  clear(): number {
    const n = this.size;
    this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
    return n;
  }
}
