/** A person whose data is exported or erased: their user name and the actor their data is filed under. */
export interface DataSubject {
  readonly name: string;
  /** `user:alice`: how services record who owns a price alert or a push subscription. */
  readonly actor: string;
}

/**
 * A service that keeps personal data (price alerts, push subscriptions, ...) registers a holder, so a user's
 * export gathers it and their erasure deletes it: identity cannot import the services (imports point down).
 */
export interface PersonalDataHolder {
  /** The key of its part of the export (`priceAlerts`). */
  readonly name: string;
  /** What it holds about the subject, as JSON-ready values (bounded: a holder caps what it returns). */
  export(subject: DataSubject): unknown;
  /** Deletes it all; returns how many records went. */
  erase(subject: DataSubject): number;
}

/** The holders of one platform process. */
export class PersonalDataRegistry {
  readonly #holders = new Map<string, PersonalDataHolder>();

  register(holder: PersonalDataHolder): void {
    if (this.#holders.has(holder.name)) throw new Error(`a personal-data holder is already named ${holder.name}`);
    this.#holders.set(holder.name, holder);
  }

  /** Every holder's part, by name. */
  export(subject: DataSubject): Record<string, unknown> {
    return Object.fromEntries([...this.#holders.values()].map((h) => [h.name, h.export(subject)]));
  }

  /** Erases in every holder; returns the count per holder. */
  erase(subject: DataSubject): Record<string, number> {
    return Object.fromEntries([...this.#holders.values()].map((h) => [h.name, h.erase(subject)]));
  }
}
