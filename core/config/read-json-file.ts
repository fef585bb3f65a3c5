import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MeterflowError } from '../errors';

/** Reads the JSON file a variable points at; undefined when the variable is empty. Errors name the variable. */
export function readJsonFile(variable: string, file: string): unknown {
  if (file === '') return undefined;
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    throw new MeterflowError('CONFIG_INVALID', `${variable} = "${file}" cannot be read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MeterflowError('CONFIG_INVALID', `${variable} = "${file}" is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
