/**
 * Where the web UI sends each operation: method, path template (OpenAPI style, `{runId}`) and which
 * input fields travel in the path and in the query. scripts/build.mjs writes this table into the
 * UI's script, so the UI's first API call waits for no read of the OpenAPI document; a test keeps
 * the table equal to that document.
 */
import { CATALOGUE, type OperationName } from './catalogue.js';

export interface OperationRoute {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
}

/** Fastify's `:name` segments and trailing `*` as OpenAPI writes them: `{name}` and `{*}`. */
function templateOf(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');
}

export function operationRoutes(): Record<OperationName, OperationRoute> {
  const routes = {} as Record<OperationName, OperationRoute>;
  for (const [name, op] of Object.entries(CATALOGUE) as [OperationName, (typeof CATALOGUE)[OperationName]][]) {
    routes[name] = {
      method: op.method,
      path: templateOf(op.path),
      pathParams: Object.keys(op.params.shape),
      queryParams: Object.keys(op.query.shape),
    };
  }
  return routes;
}
