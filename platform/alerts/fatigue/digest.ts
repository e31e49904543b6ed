/** Low-priority and held-back notifications per person, sent as one message per interval. */
export class DigestBuffer<T> {
  readonly #items = new Map<string, T[]>();

  add(person: string, item: T): void {
    let list = this.#items.get(person);
    if (list === undefined) this.#items.set(person, (list = []));
    list.push(item);
  }

  /** Takes everything buffered, per person. */
  drain(): Map<string, T[]> {
    const out = new Map(this.#items);
    this.#items.clear();
    return out;
  }

  get pending(): number {
    let n = 0;
    for (const list of this.#items.values()) n += list.length;
    return n;
  }
}
