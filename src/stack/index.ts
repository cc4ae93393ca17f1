// `compose-journeys/stack`: the stack lifecycle as a library (definition → started → stopped), for
// global setups, scripts and tools of your own. Journeys get all of this through fixtures instead.

export { ERROR_CATEGORIES, type ErrorCategory, exitCodeFor, JourneysError } from '../errors.ts';
export { type Endpoint, Endpoints } from './endpoints.ts';
export { formatFinding, type LintFinding, lintStack } from './lint.ts';
export { type RoleOverrides, SERVICE_ROLES, type ServiceRole } from './service-roles.ts';
export { defineStack, type StackDefinition, type StackOptions } from './stack-definition.ts';
export { readStackState, type StackState } from './stack-state.ts';
export { stackStateFile } from './stack-state-file.ts';
export { type StartOptions, startStack } from './start-stack.ts';
export { keepStack, StartedStack, type StoppedStack } from './started-stack.ts';
export { removeProjectResources } from './teardown.ts';
