#!/usr/bin/env node
/** `meterflow <command>`: the project's one command (cli/commands.ts lists them; bin/meterflow.js runs this from source). */
import { runMeterflow } from './dispatch';

runMeterflow();
