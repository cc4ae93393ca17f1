import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestError,
  TestResult,
} from '@playwright/test/reporter';
import { z } from 'zod';
import { savedCatalog } from '../coverage/catalog-step.ts';
import {
  CATALOG_ATTACHMENT,
  COVERAGE_ATTACHMENT,
  stackCatalogSchema,
  touchedItemSchema,
} from '../coverage/coverage-item.ts';
import { runCoverage } from '../coverage/run-coverage.ts';
import { retriesSaved } from '../report/retry-policy.ts';
import { readVariable, VARIABLES } from '../run/environment.ts';
import { FINGERPRINT_ATTACHMENT } from './annotations.ts';
import { attachmentText } from './attachment-text.ts';
import type { Shape } from './drift/shape.ts';
import { mergeShapes } from './drift/shape-of.ts';
import { commitsBetween } from './fingerprint/git-source.ts';
import { type RunFingerprint, runFingerprintSchema } from './fingerprint/run-fingerprint.ts';
import { gitSha } from './git-sha.ts';
import { journeyFileOf, journeyIdOfTestCase } from './journey-id.ts';
import { journeyResultOf, shapesOf } from './journey-result-of.ts';
import {
  type DeclaredQuarantine,
  declaredQuarantine,
  manualQuarantineReason,
  QUARANTINE_ANNOTATION,
} from './manual-quarantine.ts';
import {
  AUTOMATIC_QUARANTINE_OWNER,
  QUARANTINE_REPLAY_RUNS,
  type QuarantineVerdict,
  quarantinePolicySchema,
  quarantineVerdicts,
} from './quarantine.ts';
import { type DeclaredOnJourney, quarantineGate } from './quarantine-gate.ts';
import type { JourneyResult, JourneyShapes, RunRecord, StoredJourneyResult } from './run-record.ts';
import { type RunStackInfo, readRunStackInfo } from './run-stack-info.ts';
import { coverageCounts, formatRunSummary, type RunSummary, runIncidents, runResourcePeaks } from './run-summary.ts';
import { HistoryDatabaseError } from './store/history-database-error.ts';
import type { HistoryStore } from './store/history-store.ts';
import { openHistoryStore } from './store/open-history-store.ts';

/** The stack lifecycle projects of stackProjects(): part of the run, not journeys. */
const STACK_SETUP_PROJECT = 'stack';
const STACK_PROJECTS: ReadonlySet<string> = new Set([STACK_SETUP_PROJECT, 'stack teardown']);
const PREFIX = '[journeys history]';
const PLAYWRIGHT_OPTION_KEYS: ReadonlySet<string> = new Set(['configDir', 'onlyFailures']);

export const historyReporterOptionsSchema = z.object({
  /** `postgres://…` or a SQLite file; default JOURNEYS_HISTORY_URL, then reports/history.sqlite. */
  url: z.string().optional(),
  /** false: only read (quarantine decisions); default: JOURNEYS_HISTORY_RECORD !== '0'. */
  record: z.boolean().optional(),
  quarantine: quarantinePolicySchema.prefault({}),
  /** Where the run summary JSON goes; default JOURNEYS_HISTORY_SUMMARY_FILE, then beside the HTML report folder, else reports/. */
  summaryFile: z.string().optional(),
  /** SQLite: how long a write waits for a concurrent writer. */
  busyTimeoutMs: z.number().int().positive().optional(),
});
export type HistoryReporterOptions = z.input<typeof historyReporterOptionsSchema>;

interface OpenedHistory {
  store: HistoryStore;
  past: StoredJourneyResult[];
  verdicts: Map<string, QuarantineVerdict>;
}

/**
 * Records every run in the history database at its end (every `--repeat-each` copy a result of
 * its own), and applies quarantine: a journey quarantined by its flake rate, or declared so in the
 * code with an owner and an expiry (manual-quarantine.ts), still runs and is reported, but when
 * every failure of the run is such a journey, the run passes (onEnd returns `{ status: 'passed' }`).
 * An expired or malformed declaration, or more quarantined journeys than `quarantine.max`, fails
 * the run instead (`{ status: 'failed' }`), naming the journey and the owner (quarantine-gate.ts).
 * A database that cannot be used costs a warning, never the run: this reporter never throws.
 *
 * playwright.config.ts: `reporter: [['list'], ['compose-journeys/history-reporter', { quarantine: { window: 10 } }]]`
 */
export default class HistoryReporter implements Reporter {
  private readonly options: z.infer<typeof historyReporterOptionsSchema>;
  private readonly warnings: string[] = [];
  /** The `quarantine` annotations each test declares, read at onBegin: later, Playwright mixes in the run-time ones (the worker fixture's). */
  private readonly declared = new Map<string, { type: string; description?: string }[]>();
  private config?: FullConfig;
  private suite?: Suite;
  private opening: Promise<OpenedHistory | undefined> = Promise.resolve(undefined);
  private stackInfo?: Promise<RunStackInfo | undefined>;
  private stackFailure?: string;
  private fingerprint?: RunFingerprint;
  private globalErrors = 0;
  private disabled = false;
  private readonly mode: unknown;

  constructor(options: Record<string, unknown> = {}) {
    // `playwright test --list` runs reporters too: nothing ran, nothing to record or say.
    this.mode = options._mode;
    if (this.listing()) {
      this.options = historyReporterOptionsSchema.parse({});
      return;
    }
    // Playwright adds keys of its own (configDir, onlyFailures, _mode…); anything else unknown is a typo.
    const own: Record<string, unknown> = Object.fromEntries(
      Object.entries(options).filter(([key]) => !PLAYWRIGHT_OPTION_KEYS.has(key) && !key.startsWith('_')),
    );
    // JOURNEYS_HISTORY_QUARANTINE: the policy for a reporter given on the command line (`--reporter=…`), which takes no options.
    if (own.quarantine === undefined) {
      try {
        own.quarantine = readVariable('historyQuarantine');
      } catch (error) {
        own.quarantine = (error as Error).message; // reported as invalid below
      }
    }
    const unknown = Object.keys(own).filter((key) => !(key in historyReporterOptionsSchema.shape));
    if (unknown.length)
      this.warn(
        `unknown history reporter option(s) ${unknown.join(', ')}: ignored. Known: ${Object.keys(historyReporterOptionsSchema.shape).join(', ')}`,
      );
    const parsed = historyReporterOptionsSchema.safeParse(own);
    if (!parsed.success) {
      this.warn(
        `history reporter options (playwright.config.ts, or ${VARIABLES.historyQuarantine.name}) are invalid, so this run is not recorded: ${z.prettifyError(parsed.error)}`,
      );
      this.disabled = true;
      this.options = historyReporterOptionsSchema.parse({});
    } else {
      this.options = parsed.data;
    }
  }

  printsToStdio(): boolean {
    return false; // a line or two at the end; the run's own reporter stays in charge of the console
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    this.suite = suite;
    for (const test of suite.allTests())
      this.declared.set(
        test.id,
        test.annotations.filter((a) => a.type === QUARANTINE_ANNOTATION).map((a) => ({ ...a })),
      );
    if (!this.disabled && !this.listing()) this.opening = this.open();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    if (projectOf(test) !== STACK_SETUP_PROJECT) return;
    if (result.status === 'passed') {
      this.stackFailure = undefined; // a retry brought it up
      // Attached by the setup: also there under merge-reports, where no stack runs any more.
      this.fingerprint ??= fingerprintOf(result);
      // Now the stack is up: its containers say which images ran (the teardown removes them).
      this.stackInfo = readRunStackInfo({ projectName: readVariable('project') }).catch((error: unknown) => {
        this.warn(`stack info not recorded: ${(error as Error).message}`);
        return undefined;
      });
    } else if (result.status !== 'skipped') {
      const category = result.annotations.find((a) => a.type === 'error-category')?.description;
      this.stackFailure = `${category ? `${category}: ` : ''}${firstLine(result.error) ?? `the stack setup ${result.status}`}`;
    }
  }

  onError(_error: TestError): void {
    this.globalErrors += 1; // a global error fails the run for reasons no quarantine covers
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    try {
      return await this.finish(result);
    } catch (error) {
      this.warn(
        `the history reporter failed, the run's status is Playwright's: ${(error as Error).stack ?? String(error)}`,
      );
      return undefined;
    } finally {
      await (await this.opening)?.store.close().catch(() => undefined); // closing twice is harmless
    }
  }

  private async open(): Promise<OpenedHistory | undefined> {
    try {
      const store = await openHistoryStore({
        url: this.options.url,
        access: this.recording() ? 'write' : 'read',
        busyTimeoutMs: this.options.busyTimeoutMs,
      });
      try {
        const past = await store.journeyResults({ perJourney: QUARANTINE_REPLAY_RUNS });
        return { store, past, verdicts: quarantineVerdicts(past, this.options.quarantine) };
      } catch (error) {
        await store.close();
        throw error;
      }
    } catch (error) {
      // Reading a history that does not exist yet (a CI shard on the first night) is no problem.
      if (error instanceof HistoryDatabaseError && error.problem === 'not-found' && !this.recording()) {
        process.stdout.write(`${PREFIX} ${error.database}: no history yet, so no quarantine from it\n`);
      } else {
        this.warn(describeProblem(error));
      }
      return undefined;
    }
  }

  private listing(): boolean {
    return this.mode === 'list';
  }

  private recording(): boolean {
    // JOURNEYS_HISTORY_RECORD=0: read the history (quarantine) but write nothing, e.g. CI shards whose copy nobody saves.
    return this.options.record ?? readVariable('historyRecord') ?? true;
  }

  private async finish(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    if (!this.config || !this.suite || this.listing()) return undefined;
    const config = this.config;
    const opened = await this.opening;
    const rootDir = config.rootDir;
    const stackFailed = this.stackFailure !== undefined;

    const all = this.suite.allTests();
    const journeys: { test: TestCase; record: JourneyResult; tagged: boolean }[] = [];
    const declaredOn = new Map<string, DeclaredOnJourney>();
    for (const test of all) {
      const project = projectOf(test);
      if (STACK_PROJECTS.has(project)) continue;
      // Every --repeat-each copy is a result of its own (repeatIndex): a flake rate needs them all.
      const id = journeyIdOfTestCase(test, rootDir);
      const declared = declaredQuarantine(
        { tags: test.tags, annotations: this.declared.get(test.id) ?? [] },
        result.startTime,
      );
      if (declared.state !== 'none' && !declaredOn.has(id))
        declaredOn.set(id, {
          journeyId: id,
          location: `${journeyFileOf(rootDir, test.location.file)}:${test.location.line}`,
          declared,
        });
      const verdict = opened?.verdicts.get(id);
      const quarantine = appliedQuarantine(declared, verdict);
      journeys.push({
        test,
        tagged: declared.state === 'active',
        record: journeyResultOf(test, { rootDir, project, stackFailed, ...(quarantine ? { quarantine } : {}) }),
      });
    }

    const quarantineErrors = quarantineGate({
      declared: [...declaredOn.values()],
      quarantined: [...new Set(journeys.filter((j) => j.record.quarantined).map((j) => j.record.journeyId))],
      max: this.options.quarantine.max,
    });
    for (const message of quarantineErrors) process.stderr.write(`${PREFIX} error: ${message}\n`);

    const unexpected = all.filter((test) => test.outcome() === 'unexpected');
    const quarantinedIds = new Set(journeys.filter((j) => j.record.quarantined).map((j) => j.test.id));
    const passedByQuarantine =
      result.status === 'failed' &&
      quarantineErrors.length === 0 &&
      this.globalErrors === 0 &&
      unexpected.length > 0 &&
      unexpected.every((test) => quarantinedIds.has(test.id));
    const status: FullResult['status'] = passedByQuarantine
      ? 'passed'
      : quarantineErrors.length > 0 && result.status === 'passed'
        ? 'failed'
        : result.status;

    // One drift baseline per journey: the shapes its passing copies saw, together.
    const seenByJourney = new Map<string, Record<string, Shape[]>>();
    for (const { test, record } of journeys) {
      if (record.status !== 'passed') continue;
      try {
        const seenShapes = shapesOf(test.results.at(-1), record.journeyId);
        if (!seenShapes) continue;
        const channels = seenByJourney.get(record.journeyId) ?? {};
        for (const [channel, shape] of Object.entries(seenShapes))
          channels[channel] = [...(channels[channel] ?? []), shape];
        seenByJourney.set(record.journeyId, channels);
      } catch (error) {
        this.warn((error as Error).message);
      }
    }
    const shapes: JourneyShapes[] = [...seenByJourney].map(([journeyId, channels]) => ({
      journeyId,
      shapes: Object.fromEntries(Object.entries(channels).map(([channel, seen]) => [channel, mergeShapes(...seen)])),
    }));

    const stackInfo = await (this.stackInfo ??
      readRunStackInfo().catch((error: unknown) => {
        this.warn(`stack info not recorded: ${(error as Error).message}`);
        return undefined;
      }));
    const startedAt = result.startTime;
    const run: RunRecord = {
      runId: randomUUID(),
      startedAt: startedAt.toISOString(),
      endedAt: new Date(startedAt.getTime() + result.duration).toISOString(),
      status,
      passedByQuarantine,
      ...optional('gitSha', gitSha(rootDir)),
      ...(config.shard ? { shard: { current: config.shard.current, total: config.shard.total } } : {}),
      ...optional('configHash', stackInfo?.configHash),
      images: stackInfo?.images ?? {},
      ...optional('infraFailure', this.stackFailure),
      ...(this.fingerprint
        ? { fingerprint: await withCommitRange(this.fingerprint, opened?.past ?? [], rootDir) }
        : {}),
      ...this.coverageOf(all, journeys),
      journeys: journeys.map((j) => j.record),
      shapes,
    };

    let recorded = false;
    if (opened && this.recording()) {
      try {
        await opened.store.recordRun(run);
        recorded = true;
      } catch (error) {
        this.warn(describeProblem(error));
      }
    }
    await opened?.store.close();

    const summary = this.summarise(run, result.status, opened, recorded, journeys, retriesSaved(all), quarantineErrors);
    for (const line of formatRunSummary(summary)) process.stdout.write(`${PREFIX} ${line}\n`);
    this.writeSummary(summary, config);
    return status !== result.status ? { status } : undefined;
  }

  private summarise(
    run: RunRecord,
    playwrightStatus: FullResult['status'],
    opened: OpenedHistory | undefined,
    recorded: boolean,
    journeys: { record: JourneyResult; tagged: boolean }[],
    notRetried: RunSummary['notRetried'],
    quarantineErrors: string[],
  ): RunSummary {
    const records = journeys.map((j) => j.record);
    const count = (predicate: (r: JourneyResult) => boolean) => records.filter(predicate).length;
    // The same replay with this run appended: who enters or leaves quarantine for the next run.
    const now = opened
      ? quarantineVerdicts(
          [...opened.past, ...records.map((r) => ({ ...r, runId: run.runId, runStartedAt: run.startedAt }))],
          this.options.quarantine,
        )
      : new Map<string, QuarantineVerdict>();
    const entering = [...now]
      .filter(([id, v]) => v.quarantined && !opened?.verdicts.get(id)?.quarantined)
      .map(([journeyId, v]) => ({ journeyId, reason: v.reason }));
    const leaving = [...now]
      .filter(([id, v]) => !v.quarantined && opened?.verdicts.get(id)?.quarantined)
      .map(([journeyId, v]) => ({ journeyId, reason: v.reason }));
    return {
      runId: run.runId,
      ...(opened ? { database: opened.store.description } : {}),
      recorded,
      readOnly: !this.recording(),
      status: run.status,
      playwrightStatus,
      passedByQuarantine: run.passedByQuarantine,
      ...(run.shard ? { shard: run.shard } : {}),
      counts: {
        // A pass after an incident's heal is a pass: the incident is listed on its own, not as a flake.
        passed: count((r) => r.status === 'passed' && (!r.flaky || r.incident !== undefined)),
        flaky: count((r) => r.flaky && !r.incident),
        failed: count((r) => r.status === 'failed' || r.status === 'timedOut'),
        skipped: count((r) => r.status === 'skipped'),
        notRun: count((r) => r.status === 'notRun' || r.status === 'interrupted'),
      },
      quarantined: quarantinedOnce(journeys),
      quarantineErrors,
      nextRun: { entering, leaving },
      drift: driftOnce(records),
      resources: runResourcePeaks(records),
      notRetried,
      // Once per journey: its --repeat-each copies failed against the same changes.
      suspects: [
        ...new Map(
          records
            .filter((r) => (r.status === 'failed' || r.status === 'timedOut') && r.suspects?.length)
            .map((r) => [r.journeyId, { journeyId: r.journeyId, suspects: r.suspects ?? [] }]),
        ).values(),
      ],
      incidents: runIncidents(records),
      ...(run.coverage ? { coverage: coverageCounts(run.coverage) } : {}),
      warnings: [...this.warnings],
    };
  }

  /**
   * The run's coverage from attachments (so also under merge-reports): every catalog the stack setup
   * and teardown attached (every shard's), and what each journey touched in any of its attempts.
   */
  private coverageOf(
    all: readonly TestCase[],
    journeys: readonly { test: TestCase; record: JourneyResult }[],
  ): Pick<RunRecord, 'coverage'> {
    const catalogs = all
      .filter((test) => STACK_PROJECTS.has(projectOf(test)))
      .flatMap((test) => test.results)
      .flatMap((result) => attachedJson(result, CATALOG_ATTACHMENT, stackCatalogSchema, (m) => this.warn(m)));
    const touched = journeys.map(({ test, record }) => ({
      journeyId: record.journeyId,
      touched: test.results.flatMap((result) =>
        attachedJson(result, COVERAGE_ATTACHMENT, z.array(touchedItemSchema), (m) => this.warn(m)).flat(),
      ),
    }));
    // A stack reused as it runs has no setup test: its catalog is the one kept in its state folder.
    const project = catalogs.length === 0 ? readVariable('project') : undefined;
    const saved = project ? savedCatalog(project) : undefined;
    if (saved) catalogs.push(saved);
    if (catalogs.length === 0 && touched.every((journey) => journey.touched.length === 0)) return {};
    return { coverage: runCoverage(catalogs, touched) };
  }

  private writeSummary(summary: RunSummary, config: FullConfig): void {
    const chosen = this.options.summaryFile ?? readVariable('historySummaryFile');
    const file = chosen ? path.resolve(chosen) : defaultSummaryFile(config);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    } catch (error) {
      this.warn(
        `cannot write the run summary ${file}: ${(error as Error).message}. Fix: make its folder writable, or set the reporter's summaryFile option`,
      );
    }
  }

  private warn(message: string): void {
    this.warnings.push(message);
    process.stderr.write(`${PREFIX} warning: ${message}\n`);
  }
}

/** A valid declaration decides; otherwise (none, or one that is not applied) the flake-rate verdict. */
function appliedQuarantine(
  declared: DeclaredQuarantine,
  verdict: QuarantineVerdict | undefined,
): { reason: string; owner?: string; until?: string } | undefined {
  if (declared.state === 'active') return declared.quarantine;
  return verdict?.quarantined ? { reason: verdict.reason } : undefined;
}

/** One entry per journey and project: its `--repeat-each` copies together (failed when any copy failed). */
function quarantinedOnce(journeys: readonly { record: JourneyResult; tagged: boolean }[]): RunSummary['quarantined'] {
  const byJourney = new Map<string, RunSummary['quarantined'][number]>();
  for (const { record, tagged } of journeys) {
    if (!record.quarantined) continue;
    const failed = record.status === 'failed' || record.status === 'timedOut';
    const key = `${record.project}\0${record.journeyId}`;
    const known = byJourney.get(key);
    if (known) {
      known.copies += 1;
      if (failed && !known.failed) Object.assign(known, { failed, status: record.status });
      continue;
    }
    byJourney.set(key, {
      journeyId: record.journeyId,
      project: record.project,
      reason: record.quarantineOwner
        ? manualQuarantineReason({
            owner: record.quarantineOwner,
            until: record.quarantineUntil ?? '?',
            reason: record.quarantineReason ?? '',
          })
        : (record.quarantineReason ?? ''),
      tagged,
      owner: record.quarantineOwner ?? AUTOMATIC_QUARANTINE_OWNER,
      ...(record.quarantineUntil ? { until: record.quarantineUntil } : {}),
      status: record.status,
      failed,
      copies: 1,
    });
  }
  return [...byJourney.values()];
}

function driftOnce(records: readonly JourneyResult[]): RunSummary['drift'] {
  const byJourney = new Map<string, Set<string>>();
  for (const r of records)
    if (r.drift.length) byJourney.set(r.journeyId, new Set([...(byJourney.get(r.journeyId) ?? []), ...r.drift]));
  return [...byJourney].map(([journeyId, drift]) => ({ journeyId, drift: [...drift] }));
}

function projectOf(test: TestCase): string {
  return test.parent.project()?.name ?? '';
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

function firstLine(error: TestError | undefined): string | undefined {
  return error?.message
    ?.replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .find((line) => line.trim())
    ?.trim();
}

function describeProblem(error: unknown): string {
  if (error instanceof HistoryDatabaseError) return `${error.message}. The run goes on without history.`;
  return `history database: unexpected error, the run goes on without history: ${(error as Error).stack ?? String(error)}`;
}

/** Next to the HTML report (`reports/html` → `reports/history-summary.json`); one per shard. */
function defaultSummaryFile(config: FullConfig): string {
  const html = config.reporter.find(([name]) => name === 'html');
  const folder = (html?.[1] as { outputFolder?: unknown } | undefined)?.outputFolder;
  const configDir = config.configFile ? path.dirname(config.configFile) : config.rootDir;
  const dir = typeof folder === 'string' ? path.dirname(path.resolve(configDir, folder)) : path.resolve('reports');
  const shard = config.shard ? `-${config.shard.current}of${config.shard.total}` : '';
  return path.join(dir, `history-summary${shard}.json`);
}

/** The fingerprint the stack setup attached (inline body, or a file once merged); undefined when it has none. */
function fingerprintOf(result: TestResult): RunFingerprint | undefined {
  const attachment = result.attachments.find((a) => a.name === FINGERPRINT_ATTACHMENT);
  if (!attachment) return undefined;
  try {
    const text = attachmentText(attachment);
    return runFingerprintSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** A JSON attachment of ours, parsed; a malformed one is a warning naming it, and left out. */
function attachedJson<T>(result: TestResult, name: string, schema: z.ZodType<T>, warn: (message: string) => void): T[] {
  return result.attachments
    .filter((attachment) => attachment.name === name)
    .flatMap((attachment) => {
      try {
        const text = attachmentText(attachment);
        return [schema.parse(JSON.parse(text))];
      } catch (error) {
        warn(`${name} not read: ${(error as Error).message.split('\n')[0]}`);
        return [];
      }
    });
}

/** The commits between the newest run the history holds and this one, when git knows both shas. */
async function withCommitRange(
  fingerprint: RunFingerprint,
  past: readonly StoredJourneyResult[],
  rootDir: string,
): Promise<RunFingerprint> {
  const previous = past.reduce<StoredJourneyResult | undefined>(
    (newest, result) => (!newest || result.runStartedAt > newest.runStartedAt ? result : newest),
    undefined,
  )?.gitSha;
  const to = fingerprint.gitSha;
  if (!previous || !to) return fingerprint;
  const commits = await commitsBetween(rootDir, previous, to, 1_000);
  if (!commits) return fingerprint;
  return { ...fingerprint, commitRange: { from: previous, to, count: commits.length, commits: commits.slice(0, 50) } };
}
