/** Asked for when the API answers 401: the store holds API tokens, so every read needs one. */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, call, saveToken } from '../api.js';
import { loginNeeded } from '../auth.js';
import { ErrorNote } from '../components/ErrorNote.js';

export function LoginPage() {
  const client = useQueryClient();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    saveToken(token.trim());
    try {
      await call('listAssets', {});
      loginNeeded.set(false);
      setError(null);
      await client.resetQueries();
    } catch (e) {
      saveToken(null);
      setError(e instanceof ApiError && e.status === 401 ? new ApiError(401, e.code, 'the token was refused: ' + e.message) : e);
    }
  };
  return (
    <div className="panel login">
      <h1>Sign in</h1>
      <p className="muted">
        This instance requires an API token. Create one with <code>arco token create --role viewer</code> (or operator to launch runs).
      </p>
      <form onSubmit={submit}>
        <label className="field">
          API token
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="arco_…" autoFocus />
        </label>
        <button className="primary" type="submit" disabled={token.trim() === ''}>
          Sign in
        </button>
      </form>
      <ErrorNote error={error} />
    </div>
  );
}
