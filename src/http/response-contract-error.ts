/**
 * A response that breaks what the journey's `.expect(status[, schema])` says of it: another status,
 * or a body that is not JSON. The service deviated from the journey's contract: a PRODUCT failure
 * (a body that parses but breaks the schema is a SchemaMismatchError, also PRODUCT).
 */
export class ResponseContractError extends Error {
  override name = 'ResponseContractError';
}
