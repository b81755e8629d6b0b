/**
 * Reads docs/parity/exceptions.md. Each deliberate exception is a `## EX-NN: title` section that
 * states three fields, each on its own line starting with the bold label:
 *
 *   **Decision:** what Arco does instead, and why.
 *   **Type:** the kind of exception (see conventions.md).
 *   **Revisit trigger:** the event that reopens the decision.
 */
import type { Problem } from './matrix.js';

export const EXCEPTION_FIELDS = ['Decision', 'Type', 'Revisit trigger'] as const;

export interface ExceptionEntry {
  readonly id: string;
  readonly title: string;
  readonly line: number;
  readonly fields: Readonly<Partial<Record<(typeof EXCEPTION_FIELDS)[number], string>>>;
}

const ENTRY_HEADING = /^##\s+(EX-\d{2,3})\b[\s:—–-]*(.*)$/;
const FIELD_LINE = /^\*\*(Decision|Type|Revisit trigger):\*\*\s*(.*)$/;

/** Parses the exception entries and reports entries that lack a field or repeat an id. */
export function parseExceptions(markdown: string): { entries: ExceptionEntry[]; problems: Problem[] } {
  const entries: { id: string; title: string; line: number; fields: Record<string, string> }[] = [];
  const problems: Problem[] = [];
  let current: (typeof entries)[number] | undefined;
  markdown.split(/\r?\n/).forEach((text, index) => {
    const heading = ENTRY_HEADING.exec(text);
    if (heading) {
      current = { id: heading[1] ?? '', title: (heading[2] ?? '').trim(), line: index + 1, fields: {} };
      if (entries.some((entry) => entry.id === current?.id)) {
        problems.push({ source: 'exceptions', line: index + 1, column: '-', rule: 'exception-duplicate', message: `${current.id} is defined twice` });
      }
      entries.push(current);
      return;
    }
    if (text.startsWith('## ')) {
      current = undefined;
      return;
    }
    const field = FIELD_LINE.exec(text.trim());
    if (current && field) current.fields[field[1] ?? ''] = (field[2] ?? '').trim();
  });
  for (const entry of entries) {
    for (const field of EXCEPTION_FIELDS) {
      if (!entry.fields[field]) {
        problems.push({ source: 'exceptions', line: entry.line, column: '-', rule: 'exception-incomplete', message: `${entry.id} does not state **${field}:**` });
      }
    }
  }
  return { entries, problems };
}
