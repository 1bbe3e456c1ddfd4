import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from 'neverthrow';

/**
 * PGlite is PostgreSQL for one process: two processes opening the same data directory would corrupt
 * it, and PGlite itself does not stop them. `<dataDir>.lock` holds the owner's pid; a lock whose
 * process is gone (killed, crashed) is taken over.
 */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export type DataDirProblem =
  | { readonly kind: 'io'; readonly cause: unknown }
  | { readonly kind: 'in_use'; readonly pid: number; readonly lockPath: string };

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? { pid: value.pid, host: value.host, since: String(value.since) } : null;
  } catch {
    return null;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Creates the directory if needed, proves it is writable (so a read-only or full disk is reported
 * before PGlite starts, naming the directory), then takes the lock.
 */
export function prepareDataDir(dataDir: string): Result<DataDirLock, DataDirProblem> {
  try {
    mkdirSync(dataDir, { recursive: true });
    const probe = join(dataDir, `.alphaloop-write-probe-${process.pid}`);
    try {
      writeFileSync(probe, Buffer.alloc(8192));
    } finally {
      try {
        unlinkSync(probe);
      } catch {
        // the probe was never created
      }
    }
  } catch (cause) {
    return err({ kind: 'io', cause });
  }
  return takeLock(`${dataDir.replace(/[/\\]+$/, '')}.lock`);
}

function takeLock(lockPath: string): Result<DataDirLock, DataDirProblem> {
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const text = JSON.stringify(me);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return ok({
        path: lockPath,
        release: () => {
          if (readOwner(lockPath)?.pid === me.pid) unlinkSync(lockPath);
        },
      });
    } catch (cause) {
      if ((cause as { code?: string }).code !== 'EEXIST') return err({ kind: 'io', cause });
      const owner = readOwner(lockPath);
      // An unreadable lock is stale unless it is brand new (its owner may be writing it right now).
      const stale = owner === null ? ageMs(lockPath) > 5_000 : owner.host === me.host && owner.pid !== me.pid && !isAlive(owner.pid);
      if (!stale) return err({ kind: 'in_use', pid: owner?.pid ?? -1, lockPath });
      try {
        unlinkSync(lockPath);
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') return err({ kind: 'io', cause: e });
      }
    }
  }
  return err({ kind: 'in_use', pid: readOwner(lockPath)?.pid ?? -1, lockPath });
}
