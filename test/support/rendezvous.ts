// Two journeys in two workers meeting through files in a directory (the nested runs' *_RENDEZVOUS), so
// what one does provably overlaps what the other does.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Rendezvous<T> {
  /** This worker reached `step`; `data` (with its pid) is what the other one reads. */
  mark(step: string, data?: T): void;
  /** Waits (45 s at most) until the other worker marked `step`; what it wrote. */
  reached(other: string, step: string): Promise<T & { pid: number }>;
}

export function rendezvous<T extends object = object>(dir: string | undefined, me: string): Rendezvous<T> {
  const at = dir ?? '/nonexistent';
  return {
    // Written under another name, then renamed: the other worker never reads half a file.
    mark: (step, data) => {
      const file = path.join(at, `${me}.${step}`);
      writeFileSync(`${file}.tmp`, JSON.stringify({ ...data, pid: process.pid }));
      renameSync(`${file}.tmp`, file);
    },
    async reached(other, step) {
      const file = path.join(at, `${other}.${step}`);
      const deadline = Date.now() + 45_000;
      while (!existsSync(file)) {
        if (Date.now() > deadline)
          throw new Error(`the other worker never ${step} (${file}): are two workers running?`);
        await sleep(50);
      }
      return JSON.parse(readFileSync(file, 'utf8'));
    },
  };
}
