// `compose-journeys/history-reporter`: the run history's Playwright reporter, by package name.
export { default } from './history-reporter.ts';
