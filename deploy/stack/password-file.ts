import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * Mosquitto password files: one `username:hash` line per account, as `mosquitto_passwd`
 * writes them. The stack keeps service accounts and meter accounts in files of their own
 * and concatenates them into the one file the broker reads.
 */

const execFileAsync = promisify(execFile);

export interface Account {
  readonly username: string;
  readonly password: string;
}

/** username -> its whole `username:hash` line, in file order; blank lines and comments dropped. */
export function parsePasswordFile(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not an account line; Mosquitto would skip it too
    entries.set(line.slice(0, colon), line);
  }
  return entries;
}

export function renderPasswordFile(entries: Map<string, string>): string {
  return entries.size === 0 ? '' : `${[...entries.values()].join('\n')}\n`;
}

/** `existing` with `updates` applied: a re-provisioned account keeps its place, new ones go last. */
export function mergePasswordEntries(existing: Map<string, string>, updates: Map<string, string>): Map<string, string> {
  const merged = new Map(existing);
  for (const [username, line] of updates) merged.set(username, line);
  return merged;
}

/**
 * The broker's password file: service accounts, then meter accounts. A meter entry that
 * carries a service account's name is dropped (provisioning refuses such ids; this keeps a
 * hand-edited meter file from replacing the bridge's password).
 */
export function assemblePasswordFile(serviceAccounts: string, meterAccounts: string): string {
  const service = parsePasswordFile(serviceAccounts);
  const meters = parsePasswordFile(meterAccounts);
  for (const username of service.keys()) meters.delete(username);
  return renderPasswordFile(service) + renderPasswordFile(meters);
}

/**
 * Hashes many accounts with one `mosquitto_passwd -U` run (it converts a plain-text
 * `user:password` file in place; about 60 ms for 1000 accounts), instead of one `-b` exec each.
 * The plain-text file lives only for that run, readable by its owner only.
 */
export async function hashPasswords(mosquittoPasswd: string, workDir: string, accounts: readonly Account[]): Promise<Map<string, string>> {
  if (accounts.length === 0) return new Map();
  for (const { username, password } of accounts) {
    // The file format allows neither; callers validate, this guards the file itself.
    if (username.includes(':') || /[\s]/.test(username) || /[\r\n]/.test(password)) throw new Error(`account "${username}" cannot be written to a password file`);
  }
  const plain = path.join(workDir, `.plain-${process.pid}-${randomBytes(4).toString('hex')}.passwd`);
  try {
    writeFileSync(plain, accounts.map((a) => `${a.username}:${a.password}\n`).join(''), { mode: 0o600 });
    await execFileAsync(mosquittoPasswd, ['-U', plain], { timeout: 120_000 });
    const hashed = parsePasswordFile(readFileSync(plain, 'utf8'));
    const missing = accounts.filter((a) => !hashed.get(a.username)?.startsWith(`${a.username}:$`));
    if (missing.length > 0) throw new Error(`mosquitto_passwd -U did not hash ${missing.length} account(s), e.g. "${missing[0]!.username}"`);
    return hashed;
  } finally {
    rmSync(plain, { force: true });
  }
}

/**
 * Writes aside, then renames: the broker, reloading at any moment, never reads half a file.
 * Owner-only (0600) whatever the umask or an older file's mode: every caller's file holds or
 * guards credentials (password files, ACL, QuestDB's server.conf).
 */
export function writeFileAtomically(file: string, content: string): void {
  const next = `${file}.next`;
  writeFileSync(next, content, { mode: 0o600 });
  chmodSync(next, 0o600); // Mosquitto 2 warns about (and will refuse) readable password files.
  renameSync(next, file);
}
