import type { logCreator } from 'kafkajs';

/** Receives the adapter's and kafkajs' warnings and errors. */
export type KafkaBusLogger = (message: string, detail?: Readonly<Record<string, unknown>>) => void;

export function routeLogs(log: KafkaBusLogger): logCreator {
  return () => (entry) => {
    const { message, ...detail } = entry.log;
    log(`kafkajs ${entry.namespace}: ${message}`, { ...detail, level: entry.label });
  };
}

export function defaultLogger(message: string, detail?: Readonly<Record<string, unknown>>): void {
  console.warn(message, detail ?? '');
}
