// src/engine/ is the only code that talks to Docker: no other module spawns `docker` (or
// `docker-compose`) or opens the engine's socket. Provisioning and doctor too ask the engine through
// src/engine/ (their Host's `engine`, the CLI engine); what they do to the machine itself (apt,
// systemctl, dockerd) goes through the Host.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO } from '../support/cli.ts';

const ALLOWED = [/^src\/engine\//];

const TALKS_TO_DOCKER = [
  {
    what: 'spawns the docker CLI',
    pattern: /\b(spawn|spawnSync|execFile|execFileSync|execSync|exec|runCommand|run)\(\s*['"`]docker(-compose)?\b/,
  },
  { what: 'opens a socket', pattern: /\bsocketPath\b/ },
  { what: 'names the engine socket', pattern: /docker\.sock\b/ },
];

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { recursive: true })
    .map((file) => path.join(dir, String(file)))
    .filter((file) => file.endsWith('.ts'));
}

test('no module outside src/engine/ spawns docker or opens the engine socket', () => {
  const offenders = [...sources('src'), ...sources('fixtures')]
    .filter((file) => !ALLOWED.some((allowed) => allowed.test(file)))
    .flatMap((file) =>
      readFileSync(path.join(REPO, file), 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          TALKS_TO_DOCKER.filter(({ pattern }) => pattern.test(line)).map(
            ({ what }) => `${file}:${index + 1} ${what}: ${line.trim()}`,
          ),
        ),
    );
  expect(offenders, 'ask the Engine (src/engine/engine.ts) instead').toEqual([]);
});
