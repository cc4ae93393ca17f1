// `compose-journeys/stack`: the stack lifecycle as a library (definition → started → stopped), for
// global setups, scripts and tools of your own. Journeys get all of this through fixtures instead.
export { defineStack, type StackDefinition, type StackOptions } from './stack-definition.ts';
export { startStack, type StartOptions, DEFAULT_WAIT_TIMEOUT_SECONDS } from './start-stack.ts';
export { StartedStack, keepStack, type StoppedStack } from './started-stack.ts';
export { removeProjectResources, removeStack } from './teardown.ts';
export { lintStack, formatFinding, type LintFinding } from './lint.ts';
export { Endpoints, type Endpoint } from './endpoints.ts';
export { readStackState, stackStateFile, type StackState } from './stack-state.ts';
export { SERVICE_ROLES, type ServiceRole, type RoleOverrides } from './service-roles.ts';
export { JourneysError, exitCodeFor, ERROR_CATEGORIES, type ErrorCategory } from '../errors.ts';
