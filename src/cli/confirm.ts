/**
 * Confirming a destructive command (asset wipe, run delete): `--yes` confirms up front; in a
 * terminal the command asks; anywhere else (a script, a pipe) it refuses rather than guess.
 */
import { createInterface } from 'node:readline/promises';
import { arcoError } from '../domain/errors/index.js';

/**
 * Resolves when confirmed. @throws CONFIRMATION_REQUIRED when the prompt cannot be shown (stdin is
 * not a terminal) or is answered anything but yes; `what` says what was not done.
 */
export async function confirm(question: string, what: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw arcoError('CONFIRMATION_REQUIRED', `${what} needs confirmation: pass --yes (stdin is not a terminal, so there is nobody to ask)`, {});
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw arcoError('CONFIRMATION_REQUIRED', `not confirmed: ${what} was not done`, {});
  } finally {
    prompt.close();
  }
}
