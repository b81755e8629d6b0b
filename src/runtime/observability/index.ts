/** Logs and metrics of an instance: the logger, the ledger follower that logs events, and `/metrics`. */
export { createLogger, prettyLine, LOG_LEVELS, LOG_FORMATS, type Logger, type LogLevel, type LogFormat, type LoggerOptions } from './logger.js';
export { describeEvent, formatDuration, type EventLine, type EventLineLevel } from './event-lines.js';
export { LedgerLog, type LedgerLogOptions } from './ledger-log.js';
export { InstanceMetrics, type InstanceMetricsOptions, type ScrapeSources, type WorkerCounts } from './metrics.js';
