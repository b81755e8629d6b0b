/**
 * Calling an operation in this process: the input is parsed with the operation's own schemas (so a
 * bad input gets the same VALIDATION_ERROR as over HTTP) and handed to its handler.
 */
import type { AnyOperation, InputOf, OperationContext, OutputOf } from './operation.js';
import { parseInput, splitInput } from './input.js';

export async function invokeOperation<Op extends AnyOperation>(ctx: OperationContext, op: Op, input: InputOf<Op>): Promise<OutputOf<Op>> {
  const parsed = parseInput(op, splitInput(op, input));
  return (await op.handler(ctx, parsed)) as OutputOf<Op>;
}
