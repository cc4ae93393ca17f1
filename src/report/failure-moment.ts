import type { TestInfo } from '@playwright/test';
import type { FailureMark } from './journey-picture.ts';

/**
 * Where and when a failed journey failed, for its picture. Playwright knows the step an error ended
 * (an `expect`, an API call, a `test.step`) and when it ended, but TestInfo does not show its steps;
 * they are read from its step tree as the worker holds it, shape checked, and when it is not there
 * (another Playwright) or no step failed (a timeout, a throw from the journey's own code) the moment
 * is the end of the journey's time: a timeout at its limit, anything else when its body was over.
 */
interface StepLike {
  title?: unknown;
  category?: unknown;
  endWallTime?: unknown;
  error?: { message?: unknown };
  steps?: unknown;
}

export function failureMoment(testInfo: TestInfo, since: Date, bodyEnded: Date): FailureMark | undefined {
  const error = testInfo.errors[0];
  if (!error) return undefined;
  const message = firstLine(error.message ?? error.value ?? 'failed');
  const location = locationIn(error.stack ?? '', testInfo.file);
  const failed = failedStep(testInfo);
  if (failed) {
    const path = failed.path.filter((title) => title !== failed.title);
    return {
      at: failed.at,
      message,
      ...(path.length > 0 && { step: path.join(' › ') }),
      ...(location && { location }),
    };
  }
  const at =
    testInfo.status === 'timedOut' && testInfo.timeout > 0
      ? new Date(Math.min(since.getTime() + testInfo.timeout, bodyEnded.getTime()))
      : bodyEnded;
  return { at, message, ...(location && { location }) };
}

/** The earliest leaf step that failed, with the titles of the `test.step`s around it. */
function failedStep(testInfo: TestInfo): { at: Date; title: string; path: string[] } | undefined {
  const roots = (testInfo as unknown as { _steps?: unknown })._steps;
  if (!Array.isArray(roots)) return undefined;
  let found: { at: Date; title: string; path: string[] } | undefined;
  const visit = (steps: unknown, path: string[]) => {
    if (!Array.isArray(steps)) return;
    for (const step of steps as StepLike[]) {
      if (!step || typeof step !== 'object') continue;
      const title = typeof step.title === 'string' ? step.title : '';
      const inner = step.category === 'test.step' ? [...path, title] : path;
      const children = Array.isArray(step.steps) ? step.steps : [];
      const childFailed = children.some((child: StepLike) => child?.error);
      if (step.error && !childFailed && typeof step.endWallTime === 'number') {
        const at = new Date(step.endWallTime);
        if (!found || at < found.at) found = { at, title, path: inner };
      }
      visit(children, inner);
    }
  };
  visit(roots, []);
  return found;
}

/** `journey.spec.ts:12`: the first frame of the error's stack in the journey's own file. */
function locationIn(stack: string, file: string): string | undefined {
  const frame = stack.split('\n').find((line) => line.includes(file));
  const found = frame && /:(\d+):\d+\)?\s*$/.exec(frame);
  return found ? `${file.split(/[\\/]/).at(-1)}:${found[1]}` : undefined;
}

function firstLine(text: string): string {
  // Playwright's messages carry terminal colours; the first line says what failed.
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain.split('\n').map((line) => line.trim());
  const first = (lines.find(Boolean) ?? 'failed').replace(/^Error: /, '');
  // `expect(received).toBe(expected)` says little alone: with its Expected/Received lines it says all.
  const expected = lines.find((line) => /^Expected\b/.test(line));
  const received = lines.find((line) => /^Received\b/.test(line));
  return [first, expected, received].filter(Boolean).join(' · ');
}
