/** The sensor that evaluates automation conditions (as Dagster's), present when any asset has a condition. */

/** Its name, as Dagster's. */
export const AUTOMATION_SENSOR_NAME = 'default_automation_condition_sensor';
/** Seconds between its evaluations, as Dagster's default sensor interval. */
export const AUTOMATION_SENSOR_INTERVAL_SECONDS = 30;
