/**
 * The run history's public surface (issue 15): what the package entry points re-export.
 * The reporter itself is the default export of ./history-reporter.ts (Playwright loads it by path).
 */
export { runHistoryCommand, formatHistoryReport, DEFAULT_HISTORY_WINDOW, type HistoryCommandOptions } from './history-command.ts';
export { buildHistoryReport, historyReportSchema, type HistoryReport } from './history-report.ts';
export { journeyStatsSchema, type JourneyStats } from './journey-stats.ts';
export { historyReporterOptionsSchema, type HistoryReporterOptions } from './history-reporter.ts';
export { HISTORY_ANNOTATIONS, SHAPES_ATTACHMENT } from './annotations.ts';
export { journeyIdOf, journeyId } from './journey-id.ts';
export { quarantineVerdict, replayQuarantine, QUARANTINE_TAG, DEFAULT_QUARANTINE_POLICY, type QuarantinePolicy, type QuarantineVerdict } from './quarantine.ts';
export { readRunStackInfo, RUN_STACK_INFO_ENV, type RunStackInfo } from './run-stack-info.ts';
export { runSummarySchema, type RunSummary } from './run-summary.ts';
export type { RunRecord, JourneyResult, StoredJourneyResult, StoredRun, JourneyStatus, FailureCategory } from './run-record.ts';
export { openHistoryStore, historyLocation, DEFAULT_HISTORY_FILE, HISTORY_ENV, type OpenHistoryOptions } from './store/open-history-store.ts';
export type { HistoryStore, HistoryAccess } from './store/history-store.ts';
export { HistoryDatabaseError, type HistoryProblem } from './store/history-database-error.ts';
export { CURRENT_SCHEMA_VERSION } from './store/migrations.ts';
export { writeTrendsPage, renderTrendsPage } from './trends-page.ts';
export { shapeOf, mergeShapes } from './drift/shape-of.ts';
export { diffShapes, describeDrift, hasDrift, type ShapeDiff } from './drift/diff-shapes.ts';
export { driftOf, type ChannelDrift } from './drift/drift-annotations.ts';
export { baselineShapes } from './drift/baseline-shapes.ts';
export { openWorkerHistory, type WorkerHistory, type JourneyHistory } from './worker-history.ts';
export type { JsonType, Shape, ShapeType } from './drift/shape.ts';
