/** Definitions: validate the project's definitions file without starting anything. */
import { z } from 'zod';
import { isArcoError } from '../domain/errors/index.js';
import { defineOperation } from './operation.js';

const loadErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });

export const validateDefinitionsOp = defineOperation({
  name: 'validateDefinitions',
  summary: "Load the definitions and answer whether they are valid: the load error that stopped loading, or a summary of what they define",
  group: 'definitions',
  method: 'GET',
  path: '/api/v1/definitions/validation',
  output: z.object({
    valid: z.boolean(),
    file: z.string().nullable(),
    /** Counts of what the definitions define; null when they did not load. */
    summary: z.object({ assets: z.number().int(), partitionedAssets: z.number().int(), schedules: z.number().int(), sensors: z.number().int() }).nullable(),
    /** Loading stops at the first error the definitions file throws, so this holds at most one today. */
    errors: z.array(loadErrorSchema),
  }),
  idempotent: true,
  role: 'viewer',
  usesStore: false,
  async handler(ctx) {
    try {
      const definitions = ctx.definitions ? await ctx.definitions() : (await ctx.runtime()).definitions;
      const { assets, schedules = [], sensors = [] } = definitions.definitions;
      return {
        valid: true,
        file: definitions.file,
        summary: {
          assets: assets.length,
          partitionedAssets: assets.filter((a) => definitions.partitionsOf(a.key) !== null).length,
          schedules: schedules.length,
          sensors: sensors.length,
        },
        errors: [],
      };
    } catch (error) {
      // A load error is this operation's answer, not its failure; anything else is a bug.
      if (!isArcoError(error)) throw error;
      const details = { ...(error.details ?? {}) };
      const file = typeof details.file === 'string' ? details.file : null;
      return { valid: false, file, summary: null, errors: [{ code: error.code, message: error.message, details }] };
    }
  },
});
