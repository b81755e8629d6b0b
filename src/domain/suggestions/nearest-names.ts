/**
 * "Did you mean": the known names nearest to one that was not found, for error messages. Names
 * are compared case-insensitively with `_`, `-`, `/` and spaces ignored (so `code_version` finds
 * `codeVersion`), by edit distance (optimal string alignment: a swap of two neighbours is one
 * edit); a known name that abbreviates the given one (`deps` for `dependencies`) also counts.
 */

/** Suggestions named in one error, nearest first. */
export const SUGGESTIONS_MAX = 3;
/**
 * Known names compared per lookup. An error path may hold a whole partitions definition (an hourly
 * one over ten years is ~90,000 keys); past this bound the rest are not compared, so a typo never
 * costs more than a few milliseconds.
 */
export const NAMES_COMPARED_MAX = 100_000;

function normalized(name: string): string {
  return name.toLowerCase().replace(/[\s_\-/]/g, '');
}

/** Edit distance with adjacent swaps, or `max + 1` as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (previous2[j - 2] as number) + 1);
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/** Whether `short` keeps the first letter of `long` and the rest of its letters in order (`deps`, `dependencies`). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 3 || short.length >= long.length || short[0] !== long[0]) return false;
  let at = 0;
  for (const char of long) if (char === short[at]) at += 1;
  return at === short.length;
}

/**
 * The known names nearest to `name`, nearest first (ties keep the order given), at most
 * `SUGGESTIONS_MAX`. A name is near when about a third of its letters or fewer differ, or when it
 * abbreviates `name`. Empty when nothing is near.
 */
export function nearestNames(name: string, known: Iterable<string>): string[] {
  const wanted = normalized(name);
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  const found: { readonly name: string; readonly distance: number; readonly order: number }[] = [];
  let order = 0;
  for (const candidate of known) {
    if (order >= NAMES_COMPARED_MAX) break;
    order += 1;
    if (candidate === name) continue;
    const other = normalized(candidate);
    const distance = editDistance(wanted, other, allowed);
    if (distance <= allowed && distance < Math.max(wanted.length, other.length)) found.push({ name: candidate, distance, order });
    else if (abbreviates(other, wanted)) found.push({ name: candidate, distance: allowed + 1, order });
  }
  return found
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .slice(0, SUGGESTIONS_MAX)
    .map((s) => s.name);
}

/** The sentence appended to an error message: `; did you mean "a"?`, `…"a" or "b"?`, or nothing. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => JSON.stringify(s));
  const last = quoted.pop() as string;
  return `; did you mean ${quoted.length === 0 ? last : `${quoted.join(', ')} or ${last}`}?`;
}

/** `{ suggestions }` for an error's details when there are any, else nothing (so details stay as they were). */
export function suggestionDetails(suggestions: readonly string[]): { suggestions?: string[] } {
  return suggestions.length === 0 ? {} : { suggestions: [...suggestions] };
}
