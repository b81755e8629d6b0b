/**
 * The launchpad's form as a run request: what the browser can judge alone (JSON syntax, tag rows)
 * is judged here, before anything is sent; everything else (selection, partitions, reserved tags)
 * is the server's to judge, through planRun, so the rules live in one place.
 */
import type { Input } from '../api.js';

export interface TagRow {
  readonly key: string;
  readonly value: string;
}

export interface LaunchDraft {
  readonly selection: string;
  readonly partition: string;
  readonly tags: readonly TagRow[];
  /** Run config as typed: JSON text, empty for none. */
  readonly config: string;
}

/** A problem the form shows beside its field; the request is not sent while one stands. */
export interface DraftProblem {
  readonly field: 'config' | 'tags';
  readonly message: string;
}

export type DraftRequest = { request: Input<'requestRun'>; problems: [] } | { request: undefined; problems: DraftProblem[] };

function configOf(text: string): { value: unknown } | { message: string } {
  if (text.trim() === '') return { value: {} };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { message: `Run config is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function tagsOf(rows: readonly TagRow[]): { value: Record<string, string> } | { message: string } {
  const tags: Record<string, string> = {};
  for (const [i, row] of rows.entries()) {
    const key = row.key.trim();
    // A row left blank is no tag: the form always offers one empty row to type into.
    if (key === '' && row.value === '') continue;
    if (key === '') return { message: `Tag ${i + 1} has a value but no key` };
    if (key in tags) return { message: `Tag ${key} is given twice` };
    tags[key] = row.value;
  }
  return { value: tags };
}

/** The request the form stands for, or why it cannot be sent yet. */
export function draftRequest(draft: LaunchDraft): DraftRequest {
  const problems: DraftProblem[] = [];
  const config = configOf(draft.config);
  if ('message' in config) problems.push({ field: 'config', message: config.message });
  const tags = tagsOf(draft.tags);
  if ('message' in tags) problems.push({ field: 'tags', message: tags.message });
  if ('message' in config || 'message' in tags) return { request: undefined, problems };
  const request: Input<'requestRun'> = { selection: draft.selection.trim(), tags: tags.value, config: config.value as Input<'requestRun'>['config'] };
  if (draft.partition.trim() !== '') request.partition = draft.partition.trim();
  return { request, problems: [] };
}
