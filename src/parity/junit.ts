/**
 * Reads the JUnit XML that node's built-in `junit` reporter writes (scripts/run-tests.mjs puts it in
 * reports/). What Node 20 writes, and what this reader relies on:
 *
 * - `<testsuites>` holds `<testsuite>` and `<testcase>` elements. A `describe`, and a test that has
 *   subtests, becomes a `<testsuite name="…">`; a leaf test becomes a `<testcase name="…">`. Nesting
 *   follows the nesting in the test file, so the chain of suite names above a testcase is its title
 *   path. Tests of every file share one flat `<testsuites>`, in completion order.
 * - The file a test came from is not recorded (Node 20). A `file="…"` attribute, which later Node
 *   versions may add, is read when present.
 * - A passed test has no child element. A failed one has `<failure>` (also for a test cancelled
 *   because its suite's hook failed); a skipped or todo one has `<skipped type="skipped|todo">`.
 *   A test file that fails to load appears as a failed testcase named by the file's path.
 * - Attribute values lose newlines and are escaped twice for `"`: `"` is written `&amp;quot;`.
 *   `decodeAttribute` undoes one XML escape, then `&quot;`, so either writer's output reads back.
 */

import { arcoError } from '../domain/errors/index.js';

export type TestOutcome = 'passed' | 'failed' | 'skipped' | 'todo';

/** One testcase of the report. */
export interface TestResult {
  /** Enclosing suite titles, outermost first, then the test's own title. */
  readonly titlePath: readonly string[];
  readonly outcome: TestOutcome;
  /** The test file when the reporter records it. */
  readonly file?: string;
}

export interface TestReport {
  readonly results: readonly TestResult[];
}

/** A report with no tests: what `check` uses when there is no report file. */
export const EMPTY_REPORT: TestReport = { results: [] };

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return NAMED_ENTITIES[entity] ?? '';
  });
}

/** Decodes an attribute value as written by node's junit reporter (see the module comment). */
export function decodeAttribute(value: string): string {
  return decodeXml(value).replace(/&quot;/g, '"');
}

// A tag: name, then attributes whose values are double-quoted (they never hold a raw `"`), so a `>`
// inside a value (the reporter leaves `>` unescaped) does not end the tag.
const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/y;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*"([^"]*)"/g;

function readAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    attributes.set(match[1] ?? '', decodeAttribute(match[2] ?? ''));
  }
  return attributes;
}

interface OpenCase {
  readonly titlePath: string[];
  outcome: TestOutcome;
  readonly file: string | undefined;
}

/**
 * Parses JUnit XML into test results.
 * @throws PARITY_REPORT_INVALID when the text has no `<testsuites>` or `<testsuite>` element.
 */
export function parseJunitReport(xml: string): TestReport {
  if (!/<testsuites?[\s>/]/.test(xml)) {
    throw arcoError('PARITY_REPORT_INVALID', 'the test report is not JUnit XML: it has no <testsuites> element');
  }
  const results: TestResult[] = [];
  const suites: string[] = [];
  let open: OpenCase | undefined;
  let at = xml.indexOf('<');
  while (at !== -1) {
    if (xml.startsWith('<!--', at)) {
      const close = xml.indexOf('-->', at);
      at = close === -1 ? -1 : xml.indexOf('<', close + 3);
      continue;
    }
    TAG.lastIndex = at;
    const tag = TAG.exec(xml);
    if (!tag) {
      at = xml.indexOf('<', at + 1);
      continue;
    }
    const [whole, closing, name, attributeSource = '', selfClosing] = tag;
    const attributes = readAttributes(attributeSource);
    if (name === 'testsuite' && !closing && !selfClosing) suites.push(attributes.get('name') ?? '');
    else if (name === 'testsuite' && closing) suites.pop();
    else if (name === 'testcase' && !closing) {
      const failedByAttribute = attributes.has('failure');
      const current: OpenCase = {
        titlePath: [...suites, attributes.get('name') ?? ''],
        outcome: failedByAttribute ? 'failed' : 'passed',
        file: attributes.get('file'),
      };
      if (selfClosing) results.push(toResult(current));
      else open = current;
    } else if (name === 'testcase' && closing && open) {
      results.push(toResult(open));
      open = undefined;
    } else if (open && !closing && (name === 'failure' || name === 'error')) {
      open.outcome = 'failed';
    } else if (open && !closing && name === 'skipped' && open.outcome !== 'failed') {
      open.outcome = attributes.get('type') === 'todo' ? 'todo' : 'skipped';
    }
    at = xml.indexOf('<', at + (whole?.length ?? 1));
  }
  return { results };
}

function toResult(open: OpenCase): TestResult {
  return open.file === undefined
    ? { titlePath: open.titlePath, outcome: open.outcome }
    : { titlePath: open.titlePath, outcome: open.outcome, file: open.file };
}

/** Merges several reports; a test that appears in more than one keeps every appearance. */
export function mergeReports(reports: readonly TestReport[]): TestReport {
  return { results: reports.flatMap((report) => report.results) };
}
