/** Whether the API asked for a token (an answer was 401): the app shows the login page then. */
import { useSyncExternalStore } from 'react';

let needed = false;
const listeners = new Set<() => void>();

export const loginNeeded = {
  set(value: boolean): void {
    if (needed === value) return;
    needed = value;
    for (const l of listeners) l();
  },
};

export function useLoginNeeded(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => needed,
  );
}
