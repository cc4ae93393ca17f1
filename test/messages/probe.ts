// What the tap tests share: a probe message of their own, unique ids, and a failed assertion's message.
import { z } from 'zod';

export const probe = z.object({ kind: z.literal('probe'), id: z.string(), seq: z.number().int() });
export const uniqueId = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** The message of an assertion that must fail; a pass is itself a failure. */
export async function errorOf(assertion: Promise<unknown>): Promise<string> {
  try {
    await assertion;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the assertion to fail');
}
