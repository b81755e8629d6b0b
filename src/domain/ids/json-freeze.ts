/**
 * Deep freeze of plain JSON data, stopping at what is frozen already: a row that shares most of
 * itself with the row before it (see ProjectionFamily.immutable) costs only its new parts.
 */
export function freezeJsonData<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const item of value) freezeJsonData(item);
  else for (const key of Object.keys(value)) freezeJsonData((value as Record<string, unknown>)[key]);
  return value;
}
