/** API tokens on PostgreSQL (operational state, see TokenStore). */
import type pg from 'pg';
import { arcoError } from '../../domain/errors/index.js';
import type { ApiTokenRecord, TokenRole, TokenStore } from '../contract.js';
import { inTransaction, sqlStateOf } from './connection.js';

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
  constructor(private readonly pool: pg.Pool) {}

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

  async findToken(id: string): Promise<(ApiTokenRecord & { readonly secretSha256: string }) | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
    const row = rows[0];
    return row && { ...record(row), secretSha256: row.secretSha256 };
  }

  revokeToken(idOrName: string, revokedAt: string, revokedBy: string | null): Promise<ApiTokenRecord | undefined> {
    return inTransaction(this.pool, {}, async (client) => {
      // FOR UPDATE: of two revocations at once, the second sees the first's revoked_at.
      const byId = await client.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1 FOR UPDATE`, [idOrName]);
      const row = byId.rows[0] ?? (await client.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE name = $1 AND revoked_at IS NULL FOR UPDATE`, [idOrName])).rows[0];
      if (!row) return undefined;
      if (row.revokedAt !== null) return record(row);
      await client.query('UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3', [revokedAt, revokedBy, row.id]);
      return record({ ...row, revokedAt, revokedBy });
    });
  }

  async hasValidTokens(): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM api_tokens WHERE revoked_at IS NULL LIMIT 1');
    return rows.length > 0;
  }
}
