// `compose-journeys/config`: what a playwright.config.ts needs.
export { type StackProjects, type StackProjectsOptions, stackProjects } from './stack-projects.ts';
