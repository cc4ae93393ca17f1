// A run that owns a stack and then hangs, as a Playwright run would mid-journey: the signal and
// ownership tests kill it and check what is left.
//   tsx hold-stack.ts FILE PROJECT [--no-watchdog] [--owner PID:STARTED] [--owner-host HOST] [--reuse]
// --owner labels the stack with another owner (e.g. a pid that is alive but started at another
// time: a recycled pid), with no watchdog, as a stack of a run that died long ago would be;
// --owner-host as started on another machine sharing this engine.
import { defineStack, startStack } from 'compose-journeys/stack';
import { ownerOf } from '../../src/run/run-identity.ts';

const [file, projectName, ...flags] = process.argv.slice(2);
const ownerFlag = flags[flags.indexOf('--owner') + 1];
const hostFlag = flags.includes('--owner-host') ? flags[flags.indexOf('--owner-host') + 1] : undefined;
const base =
  flags.includes('--owner') && ownerFlag
    ? ownerOf(Number(ownerFlag.split(':')[0]), Number(ownerFlag.split(':')[1]))
    : undefined;
const owner = hostFlag ? { ...(base ?? ownerOf(process.pid)), host: hostFlag } : base;
const stack = await startStack(await defineStack({ files: [file!], projectName, reuse: flags.includes('--reuse') }), {
  watchdog: !flags.includes('--no-watchdog') && !owner,
  // A stack labelled with a dead owner would be reaped by its own start's reap.
  reap: !owner,
  owner,
});
process.stdout.write(`READY ${stack.projectName}\n`);
setInterval(() => {}, 60_000);
