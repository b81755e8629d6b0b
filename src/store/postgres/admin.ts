/** The projection hash and rebuilding projections from the ledger on PostgreSQL (see AdminStore). */
import type pg from 'pg';
import type { AdminStore } from '../contract.js';
import { inTransaction } from './connection.js';
import { hashProjections } from './docs.js';
import type { PostgresLedger } from './ledger.js';

export class PostgresAdmin implements AdminStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ledger: PostgresLedger,
  ) {}

  /** The hash of one consistent snapshot of every projection (see hashProjections). */
  projectionHash(): Promise<string> {
    return inTransaction(this.pool, { readOnly: true, isolation: 'REPEATABLE READ' }, (client) => hashProjections(client));
  }

  /** The rebuild holds the ledger lock and queues with this process's appends (see PostgresLedger.rebuild). */
  rebuildProjections(onProgress?: (done: number, total: number) => void): Promise<{ events: number; hash: string }> {
    return this.ledger.rebuild(onProgress);
  }
}
