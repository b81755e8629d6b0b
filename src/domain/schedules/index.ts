/** Pure schedule rules: which ticks are owed after a pause (catch-up). */
export { planCatchUp, latestTicksBetween, CATCH_UP_SKIPS_RECORDED_MAX, type CatchUpPlan } from './catch-up.js';
