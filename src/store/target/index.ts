/** Naming a store from the string `--db` takes, without opening it or loading an engine. */
/** True for `postgres://…` and `postgresql://…` URLs. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** The target as it may be printed: a PostgreSQL URL without its password. */
export function describeStoreTarget(target: string): string {
  return isPostgresUrl(target) ? redactUrl(target) : target;
}

/** A PostgreSQL URL with its password replaced by `***`. */
export function redactUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    return '(unparseable connection string)';
  }
}
