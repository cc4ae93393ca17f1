/**
 * The run history's public surface (issue 15): what the package entry points re-export.
 * The reporter itself is the default export of ./history-reporter.ts (Playwright loads it by path).
 */

export type { FailureCategory } from '../report/failure-category.ts';
export { baselineShapes } from './drift/baseline-shapes.ts';
export { diffShapes, type ShapeDiff } from './drift/diff-shapes.ts';
export type { ChannelDrift } from './drift/drift-annotations.ts';
export type { JsonType, Shape, ShapeType } from './drift/shape.ts';
export { mergeShapes, shapeOf } from './drift/shape-of.ts';
export {
  formatHistoryReport,
  type HistoryCommandOptions,
  runHistoryCommand,
} from './history-command.ts';
export { buildHistoryReport, type HistoryReport, historyReportSchema } from './history-report.ts';
export type { HistoryReporterOptions } from './history-reporter.ts';
export { journeyIdOf } from './journey-id.ts';
export { type JourneyStats, journeyStatsSchema } from './journey-stats.ts';
export { type JourneyVerdict, journeyVerdictSchema } from './journey-verdict.ts';
export {
  type ManualQuarantine,
  parseQuarantine,
  QUARANTINE_ANNOTATION,
  QUARANTINE_TAG,
} from './manual-quarantine.ts';
export {
  AUTOMATIC_QUARANTINE_OWNER,
  type QuarantinePolicy,
  type QuarantineVerdict,
  quarantineVerdict,
} from './quarantine.ts';
export { type SampleRate, sampleRateSchema, wilsonInterval } from './rate-interval.ts';
export type {
  JourneyResult,
  JourneyStatus,
  RunRecord,
  StoredJourneyResult,
  StoredRun,
} from './run-record.ts';
export { type RunStackInfo, readRunStackInfo } from './run-stack-info.ts';
export { type RunSummary, runSummarySchema } from './run-summary.ts';
export { HistoryDatabaseError, type HistoryProblem } from './store/history-database-error.ts';
export type { HistoryAccess, HistoryStore } from './store/history-store.ts';
export {
  type OpenHistoryOptions,
  openHistoryStore,
} from './store/open-history-store.ts';
export { renderTrendsPage, writeTrendsPage } from './trends-page.ts';
export { type JourneyHistory, openWorkerHistory, type WorkerHistory } from './worker-history.ts';
