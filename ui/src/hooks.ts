/** Data hooks: an operation read with polling (live updates), and an operation called by a button. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, type Input, type OperationName, type Output } from './api.js';

/** How often a page re-reads what it shows. */
export const POLL_MS = 2000;

/**
 * `keep`: while a changed input (a filter, a page) loads, keep showing the previous answer rather
 * than nothing. Only for lists: a page about one thing must never show another thing's data.
 */
export function useOp<N extends OperationName>(name: N, input: Input<N>, options: { poll?: number | false; enabled?: boolean; keep?: boolean } = {}) {
  return useQuery<Output<N>, Error>({
    queryKey: [name, input],
    queryFn: () => call(name, input),
    refetchInterval: options.poll ?? POLL_MS,
    enabled: options.enabled ?? true,
    placeholderData: options.keep ? keepPreviousData : undefined,
  });
}

/** A write: every read is refreshed once it is done, so the page shows its effect at once. */
export function useAction<N extends OperationName>(name: N, onDone?: (output: Output<N>) => void) {
  const client = useQueryClient();
  return useMutation<Output<N>, Error, Input<N>>({
    mutationFn: (input) => call(name, input),
    onSuccess: async (output) => {
      await client.invalidateQueries();
      onDone?.(output);
    },
  });
}

/** Roles whose token may write (runs, backfills, schedules, sensors); a viewer's write answers 403. */
const WRITERS: ReadonlySet<string> = new Set(['operator', 'admin']);

/**
 * Whether the caller may write, so a page shows write controls only to those who can use them.
 * False until the server has said: a button that appears late is better than one that answers 403.
 */
export function useCanWrite(): boolean {
  const me = useOp('whoami', {}, { poll: false });
  return me.data !== undefined && WRITERS.has(me.data.role);
}
