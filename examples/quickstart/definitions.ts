// The quick-start project: a small order-analytics pipeline with two roots.
//
//   raw/orders ──> staging/orders ──┬──> marts/customer_orders ──> reports/summary
//   raw/customers ─> staging/customers ─┘                          ^
//                    staging/orders ────> marts/daily_revenue ─────┘
//
// `staging/customers` fails on its first attempt (a flaky upstream API) and succeeds on retry;
// `raw/orders` logs what it does.
//
// A daily-partitioned pipeline sits beside it (group "daily"): one partition per day, a weekly
// rollup reading the seven days of its week through the default time-window mapping.
//
//   daily/orders[day] ──> daily/revenue[day] ──> weekly/revenue[week]
//
// Automation, stopped until you start it (`arco schedule start daily_pipeline`, `arco sensor start
// summary_after_orders`): a schedule that materializes each day once it has closed, and a sensor
// that refreshes the summary whenever raw/orders is materialized.
import {
  dailyPartitions,
  defineAsset,
  defineAssetSensor,
  defineDefinitions,
  scheduleFromPartitions,
  weeklyPartitions,
} from 'arco-flow';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rawOrders = defineAsset({
  key: 'raw/orders',
  group: 'ingest',
  kinds: ['json'],
  codeVersion: '1',
  compute: async (ctx) => {
    ctx.log.info('fetching orders from the shop API');
    await pause(150);
    ctx.log.info('fetched 120 orders');
    return { metadata: { rows: 120 } };
  },
});

const rawCustomers = defineAsset({
  key: 'raw/customers',
  group: 'ingest',
  codeVersion: '1',
  compute: async () => {
    await pause(100);
    return { metadata: { rows: 40 } };
  },
});

const stagingOrders = defineAsset({
  key: 'staging/orders',
  deps: [rawOrders],
  group: 'staging',
  codeVersion: '1',
  compute: async () => {
    await pause(100);
    return { metadata: { rows: 118, dropped_invalid: 2 } };
  },
});

const stagingCustomers = defineAsset({
  key: 'staging/customers',
  deps: [rawCustomers],
  group: 'staging',
  codeVersion: '1',
  retry: { maxRetries: 2, delayMs: 200 },
  compute: async (ctx) => {
    if (ctx.attempt === 1) throw new Error('customer API answered 503 (flaky on purpose: the retry succeeds)');
    ctx.log.info(`succeeded on attempt ${ctx.attempt}`);
    return { metadata: { rows: 40 } };
  },
});

const customerOrders = defineAsset({
  key: 'marts/customer_orders',
  deps: [stagingOrders, stagingCustomers],
  group: 'marts',
  owners: ['team:analytics'],
  codeVersion: '1',
  compute: async () => {
    await pause(100);
    return { metadata: { rows: 40 } };
  },
});

const dailyRevenue = defineAsset({
  key: 'marts/daily_revenue',
  deps: ['staging/orders'],
  group: 'marts',
  codeVersion: '1',
  compute: async () => ({ metadata: { revenue_usd: 5234.5 } }),
});

const summary = defineAsset({
  key: 'reports/summary',
  deps: [customerOrders, dailyRevenue],
  group: 'reports',
  compute: async (ctx) => {
    ctx.log.info('summary written');
    return { metadata: { pages: 1 } };
  },
});

const days = dailyPartitions({ start: '2026-11-01' });

const dailyOrders = defineAsset({
  key: 'daily/orders',
  partitions: days,
  group: 'daily',
  codeVersion: '1',
  compute: async (ctx) => {
    ctx.log.info(`loading orders placed from ${ctx.timeWindow?.start} to ${ctx.timeWindow?.end}`);
    await pause(50);
    return { metadata: { day: ctx.partitionKey, rows: 100 } };
  },
});

const dailyRevenuePartitioned = defineAsset({
  key: 'daily/revenue',
  deps: [dailyOrders],
  partitions: days,
  group: 'daily',
  codeVersion: '1',
  compute: async (ctx) => ({ metadata: { day: ctx.partitionKey, revenue_usd: 1000 } }),
});

const weeklyRevenue = defineAsset({
  key: 'weekly/revenue',
  deps: [dailyRevenuePartitioned],
  partitions: weeklyPartitions({ start: '2026-11-01' }),
  group: 'daily',
  compute: async (ctx) => ({ metadata: { week_starting: ctx.partitionKey } }),
});

export default defineDefinitions({
  assets: [
    rawOrders,
    rawCustomers,
    stagingOrders,
    stagingCustomers,
    customerOrders,
    dailyRevenue,
    summary,
    dailyOrders,
    dailyRevenuePartitioned,
    weeklyRevenue,
  ],
  schedules: [scheduleFromPartitions([dailyOrders, dailyRevenuePartitioned], { name: 'daily_pipeline' })],
  sensors: [defineAssetSensor({ name: 'summary_after_orders', asset: rawOrders, target: [summary], minimumIntervalSeconds: 5 })],
});
