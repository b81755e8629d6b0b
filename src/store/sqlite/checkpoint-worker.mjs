// The background checkpointer's thread (see checkpointer.ts). Plain JavaScript so the thread
// starts without a TypeScript loader. It opens its own connection to the same file and, every
// `intervalMs`, copies committed WAL frames into the database file (PASSIVE: it never waits for
// and never blocks readers or the writer). Each result goes back to the owning thread.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, intervalMs } = workerData;
const db = new Database(path, { fileMustExist: true });
// Only the explicit checkpoints below: this connection never commits, so none would start on their own.
db.pragma('wal_autocheckpoint = 0');

function checkpoint() {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ kind: 'checkpoint', busy: result.busy, walFrames: result.log, checkpointedFrames: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ kind: 'problem', message: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
