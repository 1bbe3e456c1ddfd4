import type { ClockPort, LogFields, LoggerPort, RandomPort } from '../../src/index.js';

/** A clock that only moves when told to (`tick`), or by `step` ms on every monotonic reading. */
export class ManualClock implements ClockPort {
  constructor(
    private epochMs = Date.UTC(2026, 0, 1),
    private readonly step = 1,
    private reading = 0,
  ) {}

  now(): number {
    return this.epochMs;
  }

  monotonic(): number {
    this.reading += this.step;
    return this.reading;
  }

  tick(ms: number): void {
    this.epochMs += ms;
    this.reading += ms;
  }
}

/** Mulberry32: a tiny seeded generator for tests. */
export class TestRandom implements RandomPort {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

export class MemoryLogger implements LoggerPort {
  readonly entries: LogEntry[] = [];

  debug(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'debug', message, fields });
  }

  info(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'info', message, fields });
  }

  warn(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'warn', message, fields });
  }

  error(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'error', message, fields });
  }
}
