#!/usr/bin/env node
// `meterflow` from a checkout (package.json "bin", npm scripts): the TypeScript entry through tsx,
// as `tsx <file>` would run it. The image runs the compiled dist/cli/meterflow.js instead.
require('tsx/cjs');
require('../cli/meterflow.ts');
