import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogFields, LoggerPort } from '@alphaloop/ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Structured JSON logs through pino; the CLI sends them to a file or stderr so stdout stays for output. */
export class PinoLogger implements LoggerPort {
  private readonly logger: Logger;

  constructor(level: LogLevel, destination?: DestinationStream) {
    this.logger = destination ? pino({ level }, destination) : pino({ level });
  }

  debug(message: string, fields?: LogFields): void {
    this.logger.debug(fields ?? {}, message);
  }

  info(message: string, fields?: LogFields): void {
    this.logger.info(fields ?? {}, message);
  }

  warn(message: string, fields?: LogFields): void {
    this.logger.warn(fields ?? {}, message);
  }

  error(message: string, fields?: LogFields): void {
    this.logger.error(fields ?? {}, message);
  }
}
