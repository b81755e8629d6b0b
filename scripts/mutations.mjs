// The mutations `npm run mutate` (scripts/mutate.mjs) applies, one at a time, to the code of
// Implemented rows of docs/parity/dagster-parity-matrix.md. Each is a small bug a refactor could
// plausibly introduce; the row's cited tests (its Evidence (Tests)) must fail for it, or the row
// claims more than its tests prove.
//
//   name     unique, kebab-case; `npm run mutate -- --only NAME`
//   row      the matrix row whose cited tests must kill it
//   file     the source file to change, under src/
//   find     exact text that occurs exactly once in `file` (else the mutation is reported broken)
//   replace  what it becomes
//   bug      the bug it simulates, in one line
//
// At least one mutation per matrix section that has Implemented rows. Keep them out of files
// another change is rewriting at the time (a broken `find` is reported, never guessed at).
export default [
  // Scheduling
  {
    name: 'dst-fall-back-daily-fires-twice',
    row: 'SCH-08',
    file: 'src/domain/cron/ticks.ts',
    find: 'bodyHiMs: segment.endMs + (subDaily ? offsetMs : Math.min(offsetMs, segment.offsetAfterMs)),',
    replace: 'bodyHiMs: segment.endMs + offsetMs,',
    bug: 'a daily cron keeps the first occurrence of a repeated fall-back wall time as well as the second',
  },
  {
    name: 'schedule-run-key-in-ms',
    row: 'SCH-16',
    file: 'src/controllers/schedules.ts',
    find: 'export const scheduleRunKey = (scheduleName: string, epochSeconds: number): string => `sched:${scheduleName}:${epochSeconds}`;',
    replace: 'export const scheduleRunKey = (scheduleName: string, epochSeconds: number): string => `sched:${scheduleName}:${epochSeconds * 1000}`;',
    bug: 'the tick run key uses epoch milliseconds instead of seconds',
  },
  {
    name: 'catch-up-one-extra-tick',
    row: 'SCH-14',
    file: 'src/domain/schedules/catch-up.ts',
    find: 'const split = Math.max(0, ticks.length - evaluateMax);',
    replace: 'const split = Math.max(0, ticks.length - evaluateMax - 1);',
    bug: 'catch-up evaluates one missed tick more than allowed (off by one)',
  },
  // Sensors
  {
    name: 'sensor-cursor-only-on-success',
    row: 'SEN-05',
    file: 'src/fold/sensors.ts',
    find: '    state.consecutiveFailures = 0;\n    state.cursor = p.cursorAfter;',
    replace: "    state.consecutiveFailures = 0;\n    if (p.status === 'SUCCESS') state.cursor = p.cursorAfter;",
    bug: 'the cursor no longer advances on a SKIPPED evaluation',
  },
  {
    name: 'sensor-cas-dropped',
    row: 'SEN-11',
    file: 'src/controllers/sensors.ts',
    find: "return { status, drafts, expect: { table: 'sensor_states', id: input.sensorName, version: input.state.stateVersion }, stale };",
    replace: 'return { status, drafts, expect: null, stale };',
    bug: 'a poll evaluation is appended without checking the sensor state version it read (no compare-and-set)',
  },
  {
    name: 'sensor-same-key-not-collapsed',
    row: 'SEN-10',
    file: 'src/controllers/sensors.ts',
    find: 'if (request.runKey !== null && seen.has(request.runKey)) return;',
    replace: 'if (request.runKey !== null && seen.has(`${request.runKey}:${index}`)) return;',
    bug: 'requests with the same run key in one evaluation are no longer collapsed to the first',
  },
  // Run identity
  {
    name: 'run-key-conflict-unchecked',
    row: 'RID-03',
    file: 'src/controllers/run-requests.ts',
    find: "if (holder.fingerprint === fingerprint) return { kind: 'existing', run: holder };",
    replace: "return { kind: 'existing', run: holder };",
    bug: 'a used run key returns the existing run whatever the fingerprint: no RUN_KEY_CONFLICT',
  },
  {
    name: 'fingerprint-follows-tag-order',
    row: 'RID-04',
    file: 'src/domain/runs/fingerprint.ts',
    find: 'return sha256Hex(canonicalJson(fingerprintParts(input)));',
    replace: 'return sha256Hex(JSON.stringify(fingerprintParts(input)));',
    bug: 'the fingerprint hashes plain JSON, so it follows the order tags (and partition fields) were given in',
  },
  {
    name: 'fingerprint-follows-asset-order',
    row: 'RID-04',
    file: 'src/domain/runs/fingerprint.ts',
    find: 'assetKeys: [...new Set(input.assetKeys)].sort(),',
    replace: 'assetKeys: [...new Set(input.assetKeys)],',
    bug: 'the fingerprint follows the order asset keys were given in',
  },
  // Partitions
  {
    name: 'time-window-end-bounds-starts',
    row: 'PAR-07',
    file: 'src/domain/partitions/time-window.ts',
    find: 'const byEnd = c.endMs === undefined ? Number.POSITIVE_INFINITY : windowIndexContaining(c, c.endMs);',
    replace: 'const byEnd = c.endMs === undefined ? Number.POSITIVE_INFINITY : windowIndexContaining(c, c.endMs) + 1;',
    bug: 'the window starting at `end` is kept (end bounds window starts, off by one)',
  },
  {
    name: 'fall-back-hour-without-offset-suffix',
    row: 'PAR-09',
    file: 'src/domain/partitions/time-window.ts',
    find: "return repeated ? key + strftime('%z', fields) : key;",
    replace: 'return key;',
    bug: "the repeated fall-back hour's second window gets the same key as the first",
  },
  {
    name: 'partition-range-end-exclusive',
    row: 'PAR-15',
    file: 'src/domain/partitions/operations.ts',
    find: 'return [...keyed.keys(from, to + 1, ctx)];',
    replace: 'return [...keyed.keys(from, to, ctx)];',
    bug: 'a partition range `start...end` leaves out its end key',
  },
  // Backfills (outside the backfill modules: the idempotency key of a backfill's creation)
  {
    name: 'backfill-create-key-not-idempotent',
    row: 'BF-02',
    file: 'src/events/keys.ts',
    find: 'backfillCreated: (clientRequestId: string): string => `backfill_create:${clientRequestId}`,',
    replace: 'backfillCreated: (clientRequestId: string): string => `backfill_create:${clientRequestId}:${Date.now()}`,',
    bug: "a backfill's creation event no longer carries an idempotency key derived only from the client request id",
  },
  {
    name: 'backfill-child-takes-root-selector',
    row: 'BF-07',
    file: 'src/domain/backfills/derive.ts',
    find: "selections.set(assetKey, inherited ?? { kind: 'ranges', ranges: derivedRanges(assetKey, definition, parents, selections, ctx, budget) });",
    replace: "selections.set(assetKey, inherited ?? { kind: 'selector', selector });",
    bug: "a downstream asset of another partitions definition is given the roots' selector instead of the partitions its parents feed",
  },
  // Partition status
  {
    name: 'materialization-keeps-failed',
    row: 'PST-03',
    file: 'src/fold/partition-status.ts',
    find: '    failed: withoutPartition(base.failed, p),',
    replace: '    failed: base.failed,',
    bug: 'a partition that failed stays FAILED after a later run materializes it',
  },
  // Staleness/reconciliation
  {
    name: 'freshness-fails-only-after-the-window',
    row: 'STL-09',
    file: 'src/domain/assets/freshness.ts',
    find: "if (lagMinutes >= policy.failAfterMinutes) return { state: 'FAIL', lagMinutes };",
    replace: "if (lagMinutes > policy.failAfterMinutes) return { state: 'FAIL', lagMinutes };",
    bug: 'an asset exactly failAfter old still passes (Dagster fails it at the boundary)',
  },
  {
    name: 'data-version-ignores-code-version',
    row: 'STL-07',
    file: 'src/controllers/run-control.ts',
    find: 'return sha256Hex(canonicalJson({ codeVersion: task.codeVersion ?? runId, inputs })).slice(0, 24);',
    replace: 'return sha256Hex(canonicalJson({ codeVersion: runId, inputs })).slice(0, 24);',
    bug: 'the derived data version hashes the run id instead of the code version, so it changes every run',
  },
  // Operator UX
  {
    name: 'skip-attribution-follows-declaration-order',
    row: 'OPX-27',
    file: 'src/controllers/settle.ts',
    find: 'return a.taskKey <= b.taskKey ? a : b;',
    replace: 'return a;',
    bug: 'a tie in failure time is broken by dependency declaration order instead of task key',
  },
  {
    name: 'canceled-task-ends-run-failure',
    row: 'OPX-09',
    file: 'src/domain/runs/status.ts',
    find: "if (status === 'CANCELED') return 'CANCELED';",
    replace: "if (status === 'CANCELED') failed = true;",
    bug: 'a run with a canceled task ends FAILURE instead of CANCELED',
  },
  // Production hardening
  {
    name: 'succeeded-task-of-dead-worker-dispatched-again',
    row: 'PRD-01',
    file: 'src/controllers/run-coordinator.ts',
    find: "const due = task.status === 'READY' || (task.status === 'RETRY_WAIT'",
    replace: "const due = (task.status === 'SUCCEEDED' && (input.isWorkerDead?.(currentAttempt(task)?.workerId ?? '') ?? false)) || task.status === 'READY' || (task.status === 'RETRY_WAIT'",
    bug: "a task that succeeded is dispatched again when the daemon that ran it died",
  },
  {
    name: 'duplicate-event-folded-again',
    row: 'PRD-02',
    file: 'src/store/sqlite/ledger.ts',
    find: '        duplicates.push(event.idempotencyKey);\n        continue;',
    replace: '        duplicates.push(event.idempotencyKey);',
    bug: 'a duplicate event is reported but still folded into the projections',
  },
  {
    name: 'rebuild-skips-re-fold',
    row: 'PRD-04',
    file: 'src/store/sqlite/ledger.ts',
    find: '          for (const event of page) this.folder.apply(event);\n          this.folder.flush();',
    replace: '          this.folder.flush();',
    bug: 'rebuilding empties the projections and never re-folds the ledger into them',
  },
  {
    name: 'worker-loss-spends-max-retries',
    row: 'PRD-25',
    file: 'src/controllers/attempt-resolution.ts',
    find: 'const userFailures = task.attempt - task.infrastructureRetries;',
    replace: 'const userFailures = task.attempt;',
    bug: "attempts lost to dead workers count against the task's maxRetries",
  },
  {
    name: 'deleted-store-file-unnoticed',
    row: 'PRD-42',
    file: 'src/store/sqlite/file-identity.ts',
    find: '      if (now === opened) return undefined;',
    replace: '      if (now === opened || now === undefined) return undefined;',
    bug: 'arco dev goes on acknowledging writes after its store file was deleted',
  },
  {
    name: 'writer-not-recorded',
    row: 'PRD-36',
    file: 'src/operations/invoke.ts',
    find: '  const acting: OperationContext = { ...ctx, runtime: async () => actingAs(await ctx.runtime(), ctx.actor) };',
    replace: '  const acting: OperationContext = ctx;',
    bug: 'a write made through an operation records no caller on its events',
  },
  {
    name: 'tag-limit-ignored',
    row: 'PRD-13',
    file: 'src/controllers/run-coordinator.ts',
    find: '    if (tags.blockingLimit(run.tags) !== undefined) continue;',
    replace: '    if (tags.blockingLimit(run.tags) === "never") continue;',
    bug: 'a tag concurrency limit does not hold back the runs it covers',
  },
  {
    name: 'pool-limit-ignored',
    row: 'PRD-14',
    file: 'src/controllers/run-coordinator.ts',
    find: '    if (pools.wait(task.pool) !== undefined) continue;',
    replace: '    if (pools.wait(task.pool) === "never") continue;',
    bug: 'a full pool does not hold back its tasks',
  },
  {
    name: 'retention-keeps-ticks',
    row: 'PRD-23',
    file: 'src/fold/schedules.ts',
    find: "RecordsPurged: removeOnly((e) => (e.payload.kind === 'scheduleTicks' ? [{ id: e.payload.ids }] : [])),",
    replace: 'RecordsPurged: IGNORE,',
    bug: 'a retention purge leaves the expired schedule ticks in place',
  },
  {
    name: 'spooled-result-ignored',
    row: 'PRD-51',
    file: 'src/runtime/daemon.ts',
    find: '    await this.collectSpooledResults();',
    replace: '    await Promise.resolve();',
    bug: 'a daemon that leads after a crash re-runs a compute whose spooled result it could record',
  },
  // Staleness, automation and assets (#14)
  {
    name: 'external-asset-planned',
    row: 'STL-33',
    file: 'src/domain/runs/plan.ts',
    find: '  const kept = keys.filter((key) => !isExternal(key));',
    replace: '  const kept = [...keys];',
    bug: 'an external asset reached by a selection or closure is planned into the run',
  },
  {
    name: 'blocking-check-not-waited-for',
    row: 'STL-20',
    file: 'src/domain/runs/check-plan.ts',
    find: 'const deps = task.deps.flatMap((d) => [d, ...(blockingOf.get(d) ?? [])]);',
    replace: 'const deps = [...task.deps];',
    bug: "a downstream task no longer waits for its upstream's blocking checks",
  },
];
