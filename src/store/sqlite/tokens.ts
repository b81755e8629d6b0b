/** API tokens on SQLite (operational state, see TokenStore). */
import type Database from 'better-sqlite3';
import { arcoError } from '../../domain/errors/index.js';
import type { ApiTokenRecord, TokenRole, TokenStore } from '../contract.js';

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
  'id, name, role, secret_sha256 AS secretSha256, created_at AS createdAt, revoked_at AS revokedAt, ' +
  'created_by AS createdBy, revoked_by AS revokedBy';

function record(row: Row): ApiTokenRecord {
  return { id: row.id, name: row.name, role: row.role as TokenRole, createdAt: row.createdAt, revokedAt: row.revokedAt, createdBy: row.createdBy, revokedBy: row.revokedBy };
}

export class SqliteTokens implements TokenStore {
  constructor(private readonly db: Database.Database) {}

  async createToken(token: ApiTokenRecord & { readonly secretSha256: string }): Promise<void> {
    try {
      this.db
        .prepare('INSERT INTO api_tokens (id, name, role, secret_sha256, created_at, revoked_at, created_by, revoked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(token.id, token.name, token.role, token.secretSha256, token.createdAt, token.revokedAt, token.createdBy, token.revokedBy);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw arcoError('TOKEN_NAME_TAKEN', `a valid API token is already named "${token.name}"; revoke it or choose another name`, { name: token.name });
      }
      throw error;
    }
  }

  async listTokens(): Promise<ApiTokenRecord[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`).all() as Row[]).map(record);
  }

  async findToken(id: string): Promise<(ApiTokenRecord & { readonly secretSha256: string }) | undefined> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ?`).get(id) as Row | undefined;
    return row && { ...record(row), secretSha256: row.secretSha256 };
  }

  async revokeToken(idOrName: string, revokedAt: string, revokedBy: string | null): Promise<ApiTokenRecord | undefined> {
    return this.db
      .transaction((): ApiTokenRecord | undefined => {
        const row = (this.db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ?`).get(idOrName) ??
          this.db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE name = ? AND revoked_at IS NULL`).get(idOrName)) as Row | undefined;
        if (!row) return undefined;
        if (row.revokedAt !== null) return record(row);
        this.db.prepare('UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ?').run(revokedAt, revokedBy, row.id);
        return record({ ...row, revokedAt, revokedBy });
      })
      .immediate();
  }

  async hasValidTokens(): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM api_tokens WHERE revoked_at IS NULL LIMIT 1').get() !== undefined;
  }
}
