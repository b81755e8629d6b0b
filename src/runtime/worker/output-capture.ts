/**
 * Compute logs: what user code prints to stdout and stderr while an attempt runs is captured line
 * by line (and still written through, so `arco dev`'s terminal shows it as before). The worker
 * turns each line into a log line of the attempt, so `arco logs RUN_ID` reads it per task.
 */

/** A line longer than this is cut: one runaway print must not become a huge event. */
const LINE_CHARS_MAX = 8_192;

export type OutputStream = 'stdout' | 'stderr';

export interface OutputCapture {
  /** Emits what is left of an unfinished line on each stream. */
  flush(): void;
}

export function captureOutput(sink: (stream: OutputStream, line: string) => void): OutputCapture {
  const pending: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const emit = (stream: OutputStream, line: string) => sink(stream, line.length > LINE_CHARS_MAX ? `${line.slice(0, LINE_CHARS_MAX)}…` : line);
  for (const stream of ['stdout', 'stderr'] as const) {
    const target = process[stream];
    const write = target.write.bind(target) as (...args: unknown[]) => boolean;
    target.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
      const lines = (pending[stream] + text).split('\n');
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) emit(stream, line);
      return write(chunk, ...rest);
    }) as typeof target.write;
  }
  return {
    flush() {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pending[stream] !== '') emit(stream, pending[stream]);
        pending[stream] = '';
      }
    },
  };
}
