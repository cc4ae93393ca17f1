// JOURNEYS_REUSE=1: when the runner finds this run's stack running, ready and unchanged while it
// loads the config, the run needs no "stack" setup test, and so no worker process for it (~0.8 s
// of a one-journey run). The check is what the setup test's reuse path does: the cached
// resolution's hash against the containers' label (file reads), one `docker ps`, and the state
// file rewritten from what that showed. Anything else (not running, changed, starting, failed,
// no engine) leaves the decision to the setup test, which says why in the report.
import { performance } from 'node:perf_hooks';
import { currentEngine } from '../engine/current-engine.ts';
import { allReady, judgeReadiness } from '../stack/readiness.ts';
import type { RoleOverrides } from '../stack/service-roles.ts';
import { defineRunningStackSync } from '../stack/stack-definition.ts';
import { writeStackState } from '../stack/stack-state-file.ts';
import { reuseBlocker, stackStateOf } from '../stack/start-stack.ts';

export interface ConfiguredStack {
  readonly files: string[];
  readonly profiles: string[];
  readonly envFiles: string[];
  readonly services?: RoleOverrides;
}

/** True when the stack was reused as it runs (its state file is then current). */
export function reuseAtConfigLoad(stack: ConfiguredStack, projectName: string, log: (line: string) => void): boolean {
  const started = performance.now();
  const engine = currentEngine();
  const containers = engine.glanceContainersSync(projectName);
  if (!containers?.length) return false;
  const definition = defineRunningStackSync({ ...stack, projectName }, containers);
  if (!definition || reuseBlocker(definition, containers)) return false;
  if (!allReady(judgeReadiness(definition.config, containers))) return false;
  writeStackState(stackStateOf(engine.endpoint, definition, definition.target, containers));
  log(
    `reusing running stack ${projectName} (config unchanged, ready; checked in ${Math.round(performance.now() - started)} ms)`,
  );
  return true;
}
