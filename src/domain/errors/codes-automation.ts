import { defineErrors } from './spec.js';

/** Codes of schedules, sensors and dynamic partitions requests. */
export const AUTOMATION_ERRORS = defineErrors({
  UNKNOWN_SCHEDULE: { httpStatus: 404, retryable: false, summary: 'No schedule with this name is defined; details name it.' },
  UNKNOWN_SENSOR: { httpStatus: 404, retryable: false, summary: 'No sensor with this name is defined; details name it.' },
  INVALID_SCHEDULE: { httpStatus: 400, retryable: false, summary: 'A schedule definition is malformed; details name the schedule, the field and the reason.' },
  INVALID_SENSOR: { httpStatus: 400, retryable: false, summary: 'A sensor definition is malformed; details name the sensor, the field and the reason.' },
  DUPLICATE_AUTOMATION_NAME: { httpStatus: 400, retryable: false, summary: 'Two schedules or sensors share a name; details name it.' },
  SENSOR_NOT_PUSH: { httpStatus: 400, retryable: false, summary: 'A message was pushed to a sensor that is not a push sensor; details name it and its kind.' },
  SENSOR_STOPPED: { httpStatus: 409, retryable: false, summary: 'A message was pushed to a stopped sensor; start it first. Nothing was recorded.' },
  INVALID_PUSH_PAYLOAD: { httpStatus: 400, retryable: false, summary: "A pushed message's payload fails the sensor's schema; details list the issues." },
  USER_CODE_TIMEOUT: { httpStatus: 500, retryable: true, summary: 'A schedule or sensor function ran longer than its time limit; the tick or evaluation failed.' },
  INVALID_EVALUATION_RESULT: { httpStatus: 500, retryable: false, summary: 'A schedule or sensor function returned something other than its documented result; details name the field.' },
  INVALID_PARTITION_KEY: { httpStatus: 400, retryable: false, summary: 'A dynamic partition key is empty or contains a forbidden part (| , [ ] ...); details name it.' },
  ASSET_NOT_OBSERVABLE: { httpStatus: 400, retryable: false, summary: 'An observation was asked of an asset that is not external or has no observe function; details name it.' },
  OBSERVE_FAILED: { httpStatus: 502, retryable: true, summary: "An external asset's observe function threw, timed out or returned no data version; nothing was recorded; details carry the error." },
  UNKNOWN_DYNAMIC_PARTITIONS: { httpStatus: 404, retryable: false, summary: 'No asset uses a dynamic partitions set with this name; details name it.' },
});
