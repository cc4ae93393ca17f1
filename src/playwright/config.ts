// `compose-journeys/config`: what a playwright.config.ts needs.

export type { RoleOverrides } from '../stack/service-roles.ts';
export { type StackProjects, type StackProjectsOptions, stackProjects } from './stack-projects.ts';
