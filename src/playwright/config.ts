// `compose-journeys/config`: what a playwright.config.ts needs.
export { stackProjects, type StackProjects, type StackProjectsOptions } from './stack-projects.ts';
