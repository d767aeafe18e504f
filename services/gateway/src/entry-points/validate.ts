import { AppError } from '@otk/contracts';
import type { z } from 'zod';

/** Parses untrusted input or throws VALIDATION_FAILED listing each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('VALIDATION_FAILED', 'the request is not valid', {
    fields: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  });
}
