import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';

/**
 * Registers the import-in-the-middle loader hook, runs `start` (which creates the instrumentations, and
 * so tells the hook which modules to wrap), and waits until the hook has taken note of them. Must run
 * before express, http or kafkajs are first imported.
 */
export async function withInstrumentationHooks(start: () => void): Promise<void> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  // import-in-the-middle ships asynchronous loader hooks, which only module.register installs.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  start();
  await waitForAllMessagesAcknowledged();
}
