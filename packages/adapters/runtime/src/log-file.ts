import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { pino, type DestinationStream } from 'pino';

export interface LogFileError {
  readonly kind: 'log_file_unwritable';
  readonly path: string;
  /** The system's reason (`ENOSPC`, `EISDIR`, …) in words. */
  readonly reason: string;
}

/**
 * A log file written synchronously through its own descriptor: a few lines per iteration, nothing lost when the
 * process is killed, and — unlike a stream with retries — a failed write never blocks or throws into the run.
 * The first failure is reported once through `onFailure` and logging stops.
 */
export interface LogFile extends DestinationStream {
  /** The first write failure, once one happened. */
  readonly failure: LogFileError | null;
  close(): void;
}

const describe = (error: unknown): string => {
  const e = error as NodeJS.ErrnoException;
  const known: Readonly<Record<string, string>> = {
    ENOSPC: 'no space left on the device',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    ENOENT: 'the folder cannot be created there',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
  };
  const code = e.code ?? '';
  return Object.hasOwn(known, code) ? `${known[code]} (${code})` : (e.message ?? String(error));
};

/** The first entry, in pino's own format (written at any level: it is the proof that the file takes writes). */
function openedLine(path: string): string {
  let line = '';
  pino({ level: 'info' }, { write: (s: string) => void (line = s) }).info({ file: path }, 'log opened');
  return line;
}

/** Creates the missing folders of `folder` one level at a time (recursive mkdir spins forever under /proc). */
function ensureFolder(folder: string): void {
  const missing: string[] = [];
  let current = resolve(folder);
  for (;;) {
    try {
      if (!statSync(current).isDirectory()) throw Object.assign(new Error(`${current} is not a directory`), { code: 'ENOTDIR' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(current);
      if (parent === current) break;
      missing.push(current);
      current = parent;
    }
  }
  for (const part of missing.reverse()) mkdirSync(part);
}

/**
 * Opens `path` for appending, creating its folder, and proves it writable by writing a first "log opened"
 * entry. An unwritable destination is an error value here, at start-up, not a hang later.
 */
export function openLogFile(path: string, onFailure: (error: LogFileError) => void): Result<LogFile, LogFileError> {
  const failed = (error: unknown): LogFileError => ({ kind: 'log_file_unwritable', path, reason: describe(error) });
  let fd: number;
  try {
    ensureFolder(dirname(path));
    fd = openSync(path, 'a');
  } catch (error) {
    return err(failed(error));
  }
  try {
    writeSync(fd, openedLine(path));
  } catch (error) {
    closeSync(fd);
    return err(failed(error));
  }
  return ok(fileDestination(fd, path, onFailure));
}

/** The destination over an open descriptor: writes synchronously; the first failure is reported once, then silence. */
export function fileDestination(fd: number, path: string, onFailure: (error: LogFileError) => void): LogFile {
  let failure: LogFileError | null = null;
  let open = true;
  return {
    get failure() {
      return failure;
    },
    write(line: string): void {
      if (failure !== null || !open) return;
      try {
        writeSync(fd, line);
      } catch (error) {
        failure = { kind: 'log_file_unwritable', path, reason: describe(error) };
        onFailure(failure);
      }
    },
    close(): void {
      if (!open) return;
      open = false;
      try {
        closeSync(fd);
      } catch {
        // already closed by the system: nothing more to write
      }
    },
  };
}
