/**
 * The "not found" errors of names a user types (asset keys, schedules, sensors), each naming the
 * nearest known names in its message and, when there are any, in `details.suggestions`.
 */
import { arcoError, type ArcoError, type ErrorDetails } from '../errors/index.js';
import { didYouMean, nearestNames, suggestionDetails } from './nearest-names.js';

/**
 * UNKNOWN_ASSET with details `{ key, suggestions? }` plus `extra`.
 * @param where appended to the message, e.g. `in the selection`.
 */
export function unknownAssetError(key: string, knownKeys: Iterable<string>, where = '', extra: ErrorDetails = {}): ArcoError {
  const suggestions = nearestNames(key, knownKeys);
  const message = `unknown asset "${key}"${where === '' ? '' : ` ${where}`}${didYouMean(suggestions)}`;
  return arcoError('UNKNOWN_ASSET', message, { ...extra, key, ...suggestionDetails(suggestions) });
}

/** UNKNOWN_SCHEDULE with details `{ schedule, suggestions? }`. */
export function unknownScheduleError(name: string, knownNames: Iterable<string>): ArcoError {
  const suggestions = nearestNames(name, knownNames);
  return arcoError('UNKNOWN_SCHEDULE', `no schedule named "${name}" is defined${didYouMean(suggestions)}`, { schedule: name, ...suggestionDetails(suggestions) });
}

/** UNKNOWN_SENSOR with details `{ sensor, suggestions? }`. */
export function unknownSensorError(name: string, knownNames: Iterable<string>): ArcoError {
  const suggestions = nearestNames(name, knownNames);
  return arcoError('UNKNOWN_SENSOR', `no sensor named "${name}" is defined${didYouMean(suggestions)}`, { sensor: name, ...suggestionDetails(suggestions) });
}
