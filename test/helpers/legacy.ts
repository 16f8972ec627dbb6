/**
 * Legacy clients run unmodified against roomcast. Their code is never part of this repository: a test reads it
 * from a clone of the client's own repository (a work tree or a bare git directory) named by an environment
 * variable, at a pinned commit, into a temporary folder, and skips with a one-line reason when there is none.
 *
 * To run them, clone the client and point the variable at it, e.g.
 * `git clone https://github.com/axsemantics/rohrpost-js && ROHRPOST_JS=$PWD/rohrpost-js npm test`. `.ci/run` sets
 * the variable itself where a machine keeps a fetched mirror of the repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a legacy client's code comes from. */
export interface LegacySource {
  /** The environment variable naming a clone of its repository. */
  readonly env: string;
  /** The commit the test was written against. */
  readonly commit: string;
  /** The files to read, relative to the repository root, each with the name to write it under. */
  readonly files: Readonly<Record<string, string>>;
}

/** The client's files written into a temporary folder, and how to remove it. */
export interface LegacyCheckout {
  readonly dir: string;
  readonly remove: () => void;
}

/** Reads the client's files at its commit, or says in one line why it cannot (the test's skip reason). */
export function checkoutLegacy(source: LegacySource): LegacyCheckout | string {
  const repo = process.env[source.env];
  if (repo === undefined || repo === '') return `${source.env} names no clone of the client (see test/helpers/legacy.ts)`;
  const gitDir = existsSync(join(repo, '.git')) ? join(repo, '.git') : repo;
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-legacy-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    for (const [file, name] of Object.entries(source.files)) {
      const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${source.commit}:${file}`], { encoding: 'utf8' });
      writeFileSync(join(dir, name), text);
    }
    return { dir, remove };
  } catch (error) {
    remove();
    return `${repo} has no ${Object.keys(source.files).join(', ')} at ${source.commit}: ${(error as Error).message.split('\n')[0]}`;
  }
}
