import type { ContainerState } from '../../src/engine/container-state.ts';

/** A container of the given service, running unless `state` says otherwise. */
export function containerState(service: string, state: Partial<ContainerState> = {}): ContainerState {
  return {
    id: service,
    name: `p-${service}-1`,
    service,
    status: 'running',
    exitCode: 0,
    startedAt: '',
    finishedAt: '',
    restartCount: 0,
    oomKilled: false,
    labels: {},
    healthLog: [],
    published: [],
    ...state,
  };
}
