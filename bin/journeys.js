#!/usr/bin/env node
// The CLI, compiled to plain JavaScript (npm run build); no TypeScript loader at run time.
import '../dist/src/cli/main.js';
