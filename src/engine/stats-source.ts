// The seam to the engine's stats: one long-lived stream per container (the engine API's
// `stats?stream=true` over its unix socket), or, for an engine the CLI reaches some other way (tcp
// with TLS, ssh, a remote context), one `docker stats` process for all of them. Never a process per
// sample: the engine reads each cgroup once a second and pushes it to every watcher.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from './http-request.ts';
import { parseCliStatsLine, parseStatsSample, type StatsSample } from './stats-sample.ts';

export interface WatchedContainer {
  readonly id: string;
  readonly service: string;
}

export type SampleListener = (service: string, sample: StatsSample) => void;

export interface StatsWatch {
  /** Resolves once every container has a first sample (or after a second): the baseline of the first journey. */
  readonly ready: Promise<void>;
  stop(): void;
}

/** Where samples come from: the engine (below), or a recording fake in unit tests. */
export interface StatsSource {
  watch(containers: readonly WatchedContainer[], onSample: SampleListener): StatsWatch;
}

const RECONNECT_MS = 1000;

/** The API's stream per container, over the local socket. */
export function apiStatsSource(socketPath: string): StatsSource {
  return {
    watch(containers, onSample) {
      let stopped = false;
      const open = new Set<{ destroy(): void }>();
      let hostMemory: number | undefined;
      // The host's memory first: it is what the engine reports as the "limit" of a container without one.
      const hostMemoryKnown = new Promise<void>((resolve) => {
        const info = request({ socketPath, path: '/info', headers: { host: 'docker' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            try {
              hostMemory = (JSON.parse(text) as { MemTotal?: number }).MemTotal;
            } catch {}
            resolve();
          });
        });
        info.on('error', () => resolve());
        info.end();
      });
      // One reading now, without the stream's first second: a baseline for the worker's first journey.
      const oneShot = (container: WatchedContainer) =>
        new Promise<void>((resolve) => {
          const req = request(
            {
              socketPath,
              path: `/containers/${container.id}/stats?stream=false&one-shot=true`,
              headers: { host: 'docker' },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
              res.on('end', () => {
                try {
                  const sample = res.statusCode === 200 ? parseStatsSample(JSON.parse(text), hostMemory) : undefined;
                  if (sample) onSample(container.service, sample);
                } catch {}
                resolve();
              });
            },
          );
          req.on('error', () => resolve());
          req.end();
        });
      const follow = (container: WatchedContainer) => {
        if (stopped) return;
        const req = request(
          { socketPath, path: `/containers/${container.id}/stats?stream=true`, headers: { host: 'docker' } },
          (res) => {
            if (res.statusCode !== 200) {
              res.resume(); // gone (removed by a fault or a restart of the stack): nothing more to read
              return;
            }
            let buffered = '';
            res.setEncoding('utf8').on('data', (chunk: string) => {
              buffered += chunk;
              let newline = buffered.indexOf('\n');
              while (newline >= 0) {
                const line = buffered.slice(0, newline);
                buffered = buffered.slice(newline + 1);
                newline = buffered.indexOf('\n');
                try {
                  const sample = parseStatsSample(JSON.parse(line), hostMemory);
                  if (sample) onSample(container.service, sample);
                } catch {}
              }
            });
            res.on('end', () => {
              open.delete(req);
              // The stream ends when the container stops; it may start again (a fault healed).
              if (!stopped) setTimeout(() => follow(container), RECONNECT_MS).unref();
            });
          },
        );
        req.on('error', () => open.delete(req));
        open.add(req);
        req.end();
        // A stream must not keep a worker alive.
        req.on('socket', (socket) => socket.unref());
      };
      const ready = Promise.race([
        hostMemoryKnown
          .then(() => Promise.all(containers.map((container) => oneShot(container).then(() => follow(container)))))
          .then(() => {}),
        new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
      return {
        ready,
        stop() {
          stopped = true;
          for (const req of open) req.destroy();
          open.clear();
        },
      };
    },
  };
}

/** One `docker stats` process for all containers: any endpoint the CLI reaches. */
export function cliStatsSource(env: NodeJS.ProcessEnv): StatsSource {
  return {
    watch(containers, onSample) {
      const byId = new Map(containers.map((container) => [container.id, container.service]));
      const cpuNs = new Map<string, { at: number; ns: number }>();
      let child: ChildProcess | undefined = spawn(
        'docker',
        ['stats', '--no-trunc', '--format', '{{json .}}', ...containers.map((container) => container.id)],
        { env, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      child.unref();
      child.on('error', () => {});
      let buffered = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        // Between frames the CLI clears the screen, also when its output is not a terminal.
        buffered += chunk.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        const at = Date.now();
        for (const line of lines) {
          const reading = parseCliStatsLine(line, at);
          const service = reading && byId.get(reading.container);
          if (!reading || !service) continue;
          // The CLI reports CPU as a share of the last second: integrate it into CPU time.
          const previous = cpuNs.get(reading.container);
          const ns = previous ? previous.ns + (reading.cpuPercent / 100) * (at - previous.at) * 1e6 : 0;
          cpuNs.set(reading.container, { at, ns });
          onSample(service, {
            at,
            memoryBytes: reading.memoryBytes,
            cpuNs: ns,
          });
        }
      });
      (child.stdout as unknown as { unref?: () => void })?.unref?.();
      const ready = new Promise<void>((resolve) => {
        child?.stdout?.once('data', () => resolve());
        setTimeout(resolve, 2500).unref();
      });
      return {
        ready,
        stop() {
          child?.kill();
          child = undefined;
        },
      };
    },
  };
}
