/** A PostgreSQL URL as it may be printed. Apart from the engine, so naming a store loads no driver. */

/** The URL with its password replaced by `***`. */
export function redactUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    return '(unparseable connection string)';
  }
}
