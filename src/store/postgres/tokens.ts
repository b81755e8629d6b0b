/** API tokens on PostgreSQL (operational state, see TokenStore). */
import type pg from 'pg';
import { arcoError } from '../../domain/errors/index.js';
import type { ApiTokenRecord, TokenRole, TokenStore } from '../contract.js';
import { inTransaction, sqlStateOf } from './connection.js';
import { TOKENS_PAYLOAD, type PostgresNotifications } from './notifications.js';

/**
 * A token found valid is trusted from memory for at most this long, and only while the LISTEN
 * connection is up: `arco token revoke` signals every process (NOTIFY, in its transaction), which
 * forgets what it cached. A revocation written past Arco (SQL by hand) sends no signal and takes
 * effect within this time.
 */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 1_000;

type TokenRow = ApiTokenRecord & { readonly secretSha256: string };

interface Row {
  id: string;
  name: string;
  role: string;
  secretSha256: string;
  createdAt: string;
  revokedAt: string | null;
  createdBy: string | null;
  revokedBy: string | null;
}

const COLUMNS =
  'id, name, role, secret_sha256 AS "secretSha256", created_at AS "createdAt", revoked_at AS "revokedAt", ' +
  'created_by AS "createdBy", revoked_by AS "revokedBy"';

function record(row: Row): ApiTokenRecord {
  return { id: row.id, name: row.name, role: row.role as TokenRole, createdAt: row.createdAt, revokedAt: row.revokedAt, createdBy: row.createdBy, revokedBy: row.revokedBy };
}

export class PostgresTokens implements TokenStore {
  /**
   * Valid tokens found, by id, with when they were read and the signal generation they were read
   * in: every call of a worker carries a token, and reading it each time was a statement per call.
   */
  private readonly cache = new Map<string, { readonly row: TokenRow; readonly at: number; readonly generation: number }>();
  /** Grows with each signal that a token changed, or that signals may have been lost. */
  private generation = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly notifications: PostgresNotifications,
  ) {
    notifications.hub.listen((signal) => {
      if (signal.kind !== 'tokens' && signal.kind !== 'lost') return;
      this.generation += 1;
      this.cache.clear();
    });
  }

  async createToken(token: ApiTokenRecord & { readonly secretSha256: string }): Promise<void> {
    try {
      await this.pool.query('INSERT INTO api_tokens (id, name, role, secret_sha256, created_at, revoked_at, created_by, revoked_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        token.id,
        token.name,
        token.role,
        token.secretSha256,
        token.createdAt,
        token.revokedAt,
        token.createdBy,
        token.revokedBy,
      ]);
    } catch (error) {
      if (sqlStateOf(error) === '23505') {
        throw arcoError('TOKEN_NAME_TAKEN', `a valid API token is already named "${token.name}"; revoke it or choose another name`, { name: token.name });
      }
      throw error;
    }
  }

  async listTokens(): Promise<ApiTokenRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`);
    return rows.map(record);
  }

  async findToken(id: string): Promise<TokenRow | undefined> {
    await this.notifications.listen();
    const cached = this.cache.get(id);
    if (cached && cached.generation === this.generation && this.notifications.listening && performance.now() - cached.at < TOKEN_CACHE_MS) return cached.row;
    // Listening before the read: a revocation committed after it is signalled, and ends the cache.
    const generation = this.generation;
    const listening = this.notifications.listening;
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
    const row = rows[0];
    const found = row && { ...record(row), secretSha256: row.secretSha256 };
    if (found && found.revokedAt === null && listening && generation === this.generation) {
      if (this.cache.size >= TOKEN_CACHE_MAX) this.cache.clear();
      this.cache.set(id, { row: found, at: performance.now(), generation });
    }
    return found;
  }

  revokeToken(idOrName: string, revokedAt: string, revokedBy: string | null): Promise<ApiTokenRecord | undefined> {
    return inTransaction(this.pool, {}, async (client) => {
      // FOR UPDATE: of two revocations at once, the second sees the first's revoked_at.
      const byId = await client.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1 FOR UPDATE`, [idOrName]);
      const row = byId.rows[0] ?? (await client.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE name = $1 AND revoked_at IS NULL FOR UPDATE`, [idOrName])).rows[0];
      if (!row) return undefined;
      if (row.revokedAt !== null) return record(row);
      await client.query('UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3', [revokedAt, revokedBy, row.id]);
      // Sent at COMMIT: every process forgets the tokens it trusted from memory.
      await client.query('SELECT pg_notify($1, $2)', [this.notifications.channel, TOKENS_PAYLOAD]);
      return record({ ...row, revokedAt, revokedBy });
    });
  }

  async hasValidTokens(): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM api_tokens WHERE revoked_at IS NULL LIMIT 1');
    return rows.length > 0;
  }
}
