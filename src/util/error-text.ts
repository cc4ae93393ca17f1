/** The message of anything thrown: what error texts quote. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
