import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileDestination, openLogFile, type LogFileError } from './log-file.js';
import { PinoLogger } from './pino-logger.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'alphaloop-log-'));

describe('openLogFile', () => {
  it('creates the missing folders and starts the file with a "log opened" entry in pino format', () => {
    const path = join(temp(), 'a', 'b', 'run.log');
    const file = openLogFile(path, () => undefined)._unsafeUnwrap();
    new PinoLogger('info', file).info('iteration finished', { iteration: 1 });
    file.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['msg'])).toEqual(['log opened', 'iteration finished']);
    expect(lines[0]).toMatchObject({ level: 30, file: path });
  });

  it('appends to an existing file', () => {
    const path = join(temp(), 'run.log');
    writeFileSync(path, 'earlier\n');
    openLogFile(path, () => undefined)._unsafeUnwrap().close();
    expect(readFileSync(path, 'utf8').startsWith('earlier\n{')).toBe(true);
  });

  it.each([
    ['a full device', () => '/dev/full', 'no space left on the device (ENOSPC)'],
    ['a directory', () => temp(), 'it is a directory (EISDIR)'],
    ['a folder that cannot be created (under /proc)', () => '/proc/alphaloop-nope/x.log', '(ENOENT)'],
    ['a path through a file', () => {
      const blocker = join(temp(), 'file');
      writeFileSync(blocker, '');
      return join(blocker, 'x.log');
    }, '(ENOTDIR)'],
  ])('refuses %s at once, naming the path and the reason', (_name, pathOf, reason) => {
    const path = pathOf();
    const opened = openLogFile(path, () => undefined);
    expect(opened.isErr()).toBe(true);
    expect(opened._unsafeUnwrapErr()).toMatchObject({ kind: 'log_file_unwritable', path });
    expect(opened._unsafeUnwrapErr().reason).toContain(reason);
  });
});

describe('fileDestination', () => {
  it('reports the first failed write once, then drops lines without throwing', () => {
    const dir = temp();
    mkdirSync(join(dir, 'logs'));
    const path = join(dir, 'logs', 'ro.log');
    writeFileSync(path, '');
    const failures: LogFileError[] = [];
    // a descriptor opened for reading only: every write fails (EBADF), as a device that fills up mid-run would
    const destination = fileDestination(openSync(path, 'r'), path, (e) => failures.push(e));
    const logger = new PinoLogger('info', destination);
    expect(() => {
      for (let i = 0; i < 5; i++) logger.info('iteration finished', { iteration: i });
    }).not.toThrow();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: 'log_file_unwritable', path });
    expect(destination.failure).toEqual(failures[0]);
    destination.close();
    destination.close();
  });
});
