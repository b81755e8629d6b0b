/**
 * "Did you mean": nearest known names for errors about names a user typed (options, assets,
 * partition keys, schedules, sensors), and what a partition error shows about its definition.
 */
export { nearestNames, didYouMean, suggestionDetails, editDistance, SUGGESTIONS_MAX, NAMES_COMPARED_MAX } from './nearest-names.js';
export { unknownAssetError, unknownScheduleError, unknownSensorError } from './unknown-names.js';
export { explainPartitionError, partitionKeyFormat, partitionsHint, type PartitionsHint } from './partition-hints.js';
