import { defineErrors } from './spec.js';

/** Codes of cron schedules and timezones. */
export const CRON_ERRORS = defineErrors({
  INVALID_CRON: { httpStatus: 400, retryable: false, summary: 'A cron schedule is malformed or can never fire; details name the cron and the reason.' },
  INVALID_TIMEZONE: { httpStatus: 400, retryable: false, summary: 'A timezone is not a known IANA name; details name it.' },
});
