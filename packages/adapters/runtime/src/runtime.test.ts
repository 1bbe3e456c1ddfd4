import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeClockContract, describeRandomContract } from '@alphaloop/ports/contracts';
import { PinoLogger, SeededRandom, SystemClock } from './index.js';

describeRandomContract('SeededRandom', (seed) => new SeededRandom(seed));
describeClockContract('SystemClock', () => new SystemClock());

describe('SeededRandom', () => {
  it('rejects a non-positive bound with a message naming it', () => {
    expect(() => new SeededRandom(1).int(0)).toThrow(/positive integer, got 0/);
  });
});

describe('PinoLogger', () => {
  it('writes one JSON line per message with its fields, respecting the level', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = new PinoLogger('info', sink);
    logger.debug('hidden');
    logger.info('iteration finished', { iteration: 3 });
    logger.error('boom');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'iteration finished', iteration: 3, level: 30 });
  });
});
