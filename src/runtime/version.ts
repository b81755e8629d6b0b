/** The installed Arco Flow version, from package.json (read once, when first asked). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

export function arcoVersion(): string {
  version ??= (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  return version;
}
