import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectStateDir } from '../run/state-files.ts';
import type { ComposeTarget } from './compose-target.ts';
import { dockerApi, engineSocket, labelFilters } from './docker-api.ts';
import { docker, dockerOk } from './docker-cli.ts';
import { LABEL } from './labels.ts';

/**
 * Removes a throwaway stack fast: no graceful stop (test data does not need the 10 s per container),
 * its volumes too, so the next run starts clean. By the project's labels, like `down --volumes
 * --remove-orphans --timeout 0` but without Compose re-reading the files (or the files at all).
 */
const REMOVE_ATTEMPTS = 20;
const REMOVE_RETRY_MS = 250;

/**
 * A removal the engine refused for now. Two removers of one stack at once are normal (a `down` or
 * `reap` while a watchdog or another run's reap sweeps): the second one's container removal gets a
 * 409 "already in progress" and must wait for it to end, or its network removal would find the
 * containers still attached (403 "active endpoints"). A 5xx can be the engine caught mid-way (a
 * healthcheck's exec ending as the container goes).
 */
function worthAskingAgain(status: number, body: unknown): boolean {
  if (status >= 500 || status === 409) return true;
  return status === 403 && /active endpoints/i.test(JSON.stringify(body));
}

/** The engine's answer to one removal: done (or gone meanwhile), or refused, for now (`again`) or for good. */
type Answer = { done: true } | { done: false; again: boolean; refusal: string };

/** Asks until done, REMOVE_RETRY_MS apart while the refusal is one for now; throws the last refusal. */
async function askUntilRemoved(ask: () => Promise<Answer>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const answer = await ask();
    if (answer.done) return;
    if (!answer.again || attempt === REMOVE_ATTEMPTS) throw new Error(answer.refusal);
    await sleep(REMOVE_RETRY_MS);
  }
}

export async function removeStack(target: ComposeTarget): Promise<void> {
  await removeProjectResources(target.projectName);
}

const SWEEP_PAUSE_MS = 500;
const SWEEPS = 4;

/**
 * After an interrupted start: a container or network whose create request was in flight when Compose
 * was stopped appears after the first removal. Sweeps again until a pass finds nothing.
 */
export async function removeStackSwept(target: ComposeTarget): Promise<void> {
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const removed = await removeProjectResources(target.projectName);
    if (removed === 0 && sweep > 0) return;
    await sleep(SWEEP_PAUSE_MS);
  }
}

export interface RemoveOptions {
  /** Only what this run created (label `dev.compose-journeys.run`): a reused project name may have a new owner by now. */
  run?: string;
  /** Also delete the project's state directory (default true). */
  stateDir?: boolean;
}

/**
 * Removes a project by its labels alone, without its compose files: `docker rm -f -v` (containers and
 * their anonymous volumes at once, in parallel), then its networks and named volumes. What `journeys
 * down`, `reap` and the watchdog use. Returns how many resources it removed.
 */
export async function removeProjectResources(projectName: string, options: RemoveOptions = {}): Promise<number> {
  const labels = [`${LABEL.project}=${projectName}`, ...(options.run ? [`${LABEL.run}=${options.run}`] : [])];
  const socket = engineSocket();
  const removed = socket ? await removeThroughApi(socket, labels) : await removeThroughCli(labels);
  if (options.stateDir !== false) rmSync(projectStateDir(projectName), { recursive: true, force: true });
  return removed;
}

/** Straight to the engine: no CLI process per step (what makes `journeys down` as fast as Compose's). */
async function removeThroughApi(socket: string, labels: string[]): Promise<number> {
  const filters = labelFilters(labels);
  const list = async (path: string) => {
    const response = await dockerApi('GET', path, socket);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const remove = (path: string) =>
    askUntilRemoved(async () => {
      const { status, body } = await dockerApi('DELETE', path, socket);
      if (status < 400 || status === 404) return { done: true }; // 404: gone meanwhile
      return {
        done: false,
        again: worthAskingAgain(status, body),
        refusal: `DELETE ${path}: ${status} ${JSON.stringify(body)}`,
      };
    });
  const containers = (await list(`/containers/json?all=1&${filters}`)) as { Id: string; ImageID?: string }[];
  await Promise.all(containers.map((container) => remove(`/containers/${container.Id}?force=1&v=1`)));
  const [networks, volumes] = (await Promise.all([list(`/networks?${filters}`), list(`/volumes?${filters}`)])) as [
    { Id: string }[],
    { Volumes: { Name: string }[] | null },
  ];
  await Promise.all([
    ...networks.map((network) => remove(`/networks/${network.Id}`)),
    ...(volumes.Volumes ?? []).map((volume) => remove(`/volumes/${encodeURIComponent(volume.Name)}?force=1`)),
    removeSupersededImages(socket, containers),
  ]);
  return containers.length + networks.length + (volumes.Volumes ?? []).length;
}

/**
 * A build of ours that a later build of the same tag replaced stays as a dangling image for as long
 * as a stack runs on it (the later build's clean-up could not remove it). When that stack goes, so
 * does the image: only ours (labelled with the tag it was built as), only untagged, and never while
 * another container uses it (no force: the engine refuses).
 */
async function removeSupersededImages(socket: string, containers: readonly { ImageID?: string }[]): Promise<void> {
  const ids = [...new Set(containers.flatMap((container) => (container.ImageID ? [container.ImageID] : [])))];
  await Promise.all(
    ids.map(async (id) => {
      const { status, body } = await dockerApi('GET', `/images/${id}/json`, socket);
      const image = body as { RepoTags?: string[] | null; Config?: { Labels?: Record<string, string> | null } };
      if (status !== 200 || (image.RepoTags ?? []).length > 0 || !image.Config?.Labels?.[LABEL.imageOf]) return;
      await dockerApi('DELETE', `/images/${id}`, socket); // 409 when still in use: left for the next build
    }),
  );
}

async function removeThroughCli(labels: string[]): Promise<number> {
  const filter = labels.flatMap((label) => ['--filter', `label=${label}`]);
  const listContainers = async () => (await dockerOk(['ps', '-aq', ...filter])).split('\n').filter(Boolean);
  const containers = await listContainers();
  // `rm -f` fails on a container another remover is taking: ask until none is left (see worthAskingAgain).
  let left = containers;
  await askUntilRemoved(async () => {
    if (left.length === 0) return { done: true };
    const { exitCode, stderr } = await docker(['rm', '-f', '-v', ...left]);
    const refusal = `\`docker rm -f -v ${left.join(' ')}\`: ${stderr.trim()}`;
    left = exitCode === 0 ? [] : await listContainers();
    return left.length === 0 ? { done: true } : { done: false, again: true, refusal };
  });
  const [networks, volumes] = await Promise.all([
    dockerOk(['network', 'ls', '-q', ...filter]),
    dockerOk(['volume', 'ls', '-q', ...filter]),
  ]);
  const networkIds = networks.split('\n').filter(Boolean);
  const volumeIds = volumes.split('\n').filter(Boolean);
  await Promise.all([
    ...networkIds.map((id) => removeNetworkThroughCli(id)),
    volumeIds.length > 0 ? docker(['volume', 'rm', '-f', ...volumeIds]) : undefined,
  ]);
  return containers.length + networkIds.length + volumeIds.length;
}

function removeNetworkThroughCli(id: string): Promise<void> {
  return askUntilRemoved(async () => {
    const { exitCode, stderr } = await docker(['network', 'rm', id]);
    if (exitCode === 0 || /no such network|not found/i.test(stderr)) return { done: true }; // gone meanwhile
    return {
      done: false,
      again: /active endpoints/i.test(stderr),
      refusal: `\`docker network rm ${id}\`: ${stderr.trim()}`,
    };
  });
}
