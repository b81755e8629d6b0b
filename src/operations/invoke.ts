/**
 * Calling an operation in this process: the input is parsed with the operation's own schemas (so a
 * bad input gets the same VALIDATION_ERROR as over HTTP) and handed to its handler.
 */
import type { AnyOperation, InputOf, OperationContext, OutputOf } from './operation.js';
import { parseInput, splitInput } from './input.js';
import { actingAs } from '../runtime/index.js';

export async function invokeOperation<Op extends AnyOperation>(ctx: OperationContext, op: Op, input: InputOf<Op>): Promise<OutputOf<Op>> {
  const parsed = parseInput(op, splitInput(op, input));
  // Whoever built the context, the writes its handler makes record its caller.
  const acting: OperationContext = { ...ctx, runtime: async () => actingAs(await ctx.runtime(), ctx.actor) };
  return (await op.handler(acting, parsed)) as OutputOf<Op>;
}
