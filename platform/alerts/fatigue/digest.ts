import type { DatabaseSync } from 'node:sqlite';

/** Low-priority and held-back notifications per person, sent as one message per interval. */
export interface DigestBuffer<T> {
  add(person: string, item: T): void;
  /** Takes everything buffered, per person. */
  drain(): Map<string, T[]>;
  readonly pending: number;
}

export class MemoryDigestBuffer<T> implements DigestBuffer<T> {
  readonly #items = new Map<string, T[]>();

  add(person: string, item: T): void {
    let list = this.#items.get(person);
    if (list === undefined) this.#items.set(person, (list = []));
    list.push(item);
  }

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

/** The same in SQLite, so held notifications survive a restart (drained in the digest's transaction). */
export class SqliteDigestBuffer<T> implements DigestBuffer<T> {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(
      `CREATE TABLE IF NOT EXISTS digest_items (id INTEGER PRIMARY KEY, person TEXT NOT NULL, item TEXT NOT NULL)`,
    );
  }

  add(person: string, item: T): void {
    this.#db.prepare(`INSERT INTO digest_items (person, item) VALUES (?, ?)`).run(person, JSON.stringify(item));
  }

  drain(): Map<string, T[]> {
    const out = new Map<string, T[]>();
    for (const r of this.#db.prepare(`DELETE FROM digest_items RETURNING person, item, id`).all() as {
      person: string;
      item: string;
      id: number;
    }[]) {
      let list = out.get(r.person);
      if (list === undefined) out.set(r.person, (list = []));
      list.push(JSON.parse(r.item) as T);
    }
    return out;
  }

  get pending(): number {
    return (this.#db.prepare(`SELECT COUNT(*) AS n FROM digest_items`).get() as { n: number }).n;
  }
}
