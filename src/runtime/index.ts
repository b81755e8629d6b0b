/** The shell: daemon, worker pool, definitions loading and the commands the API and CLI issue. */
export { systemClock, FakeClock, type Clock } from './clock.js';
export { createContext, commit, newOwnerId, isOwnerDead, type RuntimeContext } from './context.js';
export { Daemon, type DaemonOptions } from './daemon.js';
export { loadDefinitions, locateDefinitions, indexDefinitions, DEFINITIONS_FILE_NAMES, type LoadedDefinitions } from './definitions-loader.js';
export { requestRun, cancelRun, getRunOrThrow, applyAttemptReport, type RunRequestInput, type RunRequestOutcome } from './run-commands.js';
export { selectAssets, selectAssetsToLaunch } from './selection.js';
export { describeAssets, assetViewSchema, type AssetView } from './asset-views.js';
