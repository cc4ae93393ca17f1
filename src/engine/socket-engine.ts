// The engine through its API on a local unix socket, for the calls where spawning the docker CLI once
// per step costs more than the work: a glance at a project (a few ms instead of a process), its
// containers inspected, the labelled resources reap and status decide from, removing a stack (list,
// remove, list, remove…), looking for images on the way to every start, and the stats streams.
// Everything else is the CLI's (CliEngine), on the same endpoint.
import { CliEngine } from './cli-engine.ts';
import {
  type ApiContainer,
  type ContainerState,
  fromApi,
  type InspectOutput,
  sortContainers,
  toContainerState,
} from './container-state.ts';
import type { EngineEndpoint } from './endpoint.ts';
import type { ImageContents, ManagedResource } from './engine.ts';
import { engineUnavailable } from './engine-unavailable.ts';
import { request } from './http-request.ts';
import { LABEL } from './labels.ts';
import { askUntilRemoved, worthAskingAgain } from './removal.ts';
import { apiStatsSource, type StatsSource } from './stats-source.ts';

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** `?filters=` for label filters, as the API takes them. */
function labelFilters(labels: readonly string[]): string {
  return `filters=${encodeURIComponent(JSON.stringify({ label: labels }))}`;
}

export class SocketEngine extends CliEngine {
  constructor(
    endpoint: EngineEndpoint,
    readonly socketPath: string,
  ) {
    super(endpoint);
  }

  /** One request to the engine's API; a socket nobody listens on is DOCKER_UNAVAILABLE. */
  request(method: string, path: string): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: { host: 'docker' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {}
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (['ENOENT', 'ECONNREFUSED', 'EACCES'].includes(error.code ?? ''))
          reject(engineUnavailable(this.endpoint, `${this.socketPath}: ${error.code}`));
        else reject(error);
      });
      req.end();
    });
  }

  override async version(): Promise<string> {
    const { status, body } = await this.request('GET', '/version');
    if (status !== 200) throw engineUnavailable(this.endpoint, `GET /version: ${status} ${JSON.stringify(body)}`);
    return (body as { Version?: string }).Version ?? 'unknown';
  }

  override async glanceContainers(projectName: string): Promise<ContainerState[]> {
    const { status, body } = await this.request(
      'GET',
      `/containers/json?all=true&${labelFilters([`${LABEL.project}=${projectName}`])}`,
    );
    if (status === 200) return sortContainers((body as ApiContainer[]).map(fromApi));
    return super.glanceContainers(projectName);
  }

  /**
   * One list and one inspect request per container, no CLI process: what the start's progress, the
   * faults, the evidence and `journeys status` ask again and again. The API's inspect is the JSON
   * `docker inspect` prints.
   */
  override async listContainers(projectName: string): Promise<ContainerState[]> {
    const list = await this.request(
      'GET',
      `/containers/json?all=1&${labelFilters([`${LABEL.project}=${projectName}`])}`,
    );
    if (list.status !== 200) return super.listContainers(projectName);
    const inspected = await Promise.all(
      (list.body as { Id: string }[]).map(async ({ Id }) => {
        const { status, body } = await this.request('GET', `/containers/${Id}/json`);
        return status === 200 ? (body as InspectOutput) : undefined; // 404: removed meanwhile
      }),
    );
    return sortContainers(inspected.filter((raw) => raw !== undefined).map(toContainerState));
  }

  /** Three requests side by side, no CLI process: what `reap` (beside every start) and `status` decide from. */
  override async labelledResources(labels: readonly string[], read: readonly string[]): Promise<ManagedResource[]> {
    const filters = labelFilters(labels);
    const [containers, networks, volumes] = await Promise.all([
      this.request('GET', `/containers/json?all=1&${filters}`),
      this.request('GET', `/networks?${filters}`),
      this.request('GET', `/volumes?${filters}`),
    ]);
    if ([containers, networks, volumes].some((answer) => answer.status !== 200))
      return super.labelledResources(labels, read);
    type WithLabels = { Labels?: Record<string, string> | null };
    const valuesOf = (own: WithLabels['Labels']) =>
      Object.fromEntries(read.flatMap((label) => (own?.[label] ? [[label, own[label]]] : [])));
    return [
      ...(containers.body as (WithLabels & { Created?: number })[]).map((container) => ({
        labels: valuesOf(container.Labels),
        ...(container.Created && { createdAt: new Date(container.Created * 1000) }),
      })),
      ...(networks.body as WithLabels[]).map((network) => ({ labels: valuesOf(network.Labels) })),
      ...((volumes.body as { Volumes: WithLabels[] | null }).Volumes ?? []).map((volume) => ({
        labels: valuesOf(volume.Labels),
      })),
    ];
  }

  /** Straight to the engine: no CLI process per step (what makes `journeys down` as fast as Compose's). */
  override async removeLabelled(labels: readonly string[]): Promise<number> {
    const filters = labelFilters(labels);
    const list = async (path: string) => {
      const response = await this.request('GET', path);
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };
    const remove = (path: string) =>
      askUntilRemoved(async () => {
        const { status, body } = await this.request('DELETE', path);
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
      this.#removeSupersededImages(containers),
    ]);
    return containers.length + networks.length + (volumes.Volumes ?? []).length;
  }

  /**
   * A build of ours that a later build of the same tag replaced stays as a dangling image for as long
   * as a stack runs on it (the later build's clean-up could not remove it). When that stack goes, so
   * does the image: only ours (labelled with the tag it was built as), only untagged, and never while
   * another container uses it (no force: the engine refuses).
   */
  async #removeSupersededImages(containers: readonly { ImageID?: string }[]): Promise<void> {
    const ids = [...new Set(containers.flatMap((container) => (container.ImageID ? [container.ImageID] : [])))];
    await Promise.all(
      ids.map(async (id) => {
        const { status, body } = await this.request('GET', `/images/${id}/json`);
        const image = body as { RepoTags?: string[] | null; Config?: { Labels?: Record<string, string> | null } };
        if (status !== 200 || (image.RepoTags ?? []).length > 0 || !image.Config?.Labels?.[LABEL.imageOf]) return;
        await this.request('DELETE', `/images/${id}`); // 409 when still in use: left for the next build
      }),
    );
  }

  /** One request per image over the socket, not a CLI process (the run's fingerprint, on the way to every start). */
  override async imageContents(ids: readonly string[]): Promise<Map<string, ImageContents>> {
    const found = await Promise.all(
      [...new Set(ids)].map(async (id) => {
        const { status, body } = await this.request('GET', `/images/${encodeURIComponent(id)}/json`);
        const image = body as { Id?: string; RepoDigests?: string[]; RootFS?: { Layers?: string[] } } | undefined;
        return status === 200 && image?.Id
          ? ([image.Id, { layers: image.RootFS?.Layers ?? [], digests: image.RepoDigests ?? [] }] as const)
          : undefined;
      }),
    );
    return new Map(found.filter((entry) => entry !== undefined));
  }

  /** One request per image (a few ms, on the way to every start). */
  override async absentImages(images: readonly string[]): Promise<Set<string>> {
    const found = await Promise.all(
      images.map(async (image) => (await this.request('GET', `/images/${encodeURIComponent(image)}/json`)).status),
    );
    return new Set(images.filter((_, index) => found[index] === 404));
  }

  override stats(): StatsSource {
    return apiStatsSource(this.socketPath);
  }
}
