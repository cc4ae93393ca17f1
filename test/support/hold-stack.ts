// A run that owns a stack and then hangs, as a Playwright run would mid-journey: the signal tests
// kill it and check what is left.
import { defineStack, startStack } from 'compose-journeys/stack';

const [file, projectName] = process.argv.slice(2);
const stack = await startStack(await defineStack({ files: [file!], projectName }));
process.stdout.write(`READY ${stack.projectName}\n`);
setInterval(() => {}, 60_000);
