import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { tickBatchedDestination } from './log-destination.js';

export type { Logger } from 'pino';
export type LogLevel = Level;

/**
 * The process logger: JSON lines (pino) to stdout, written synchronously once per event-loop turn
 * (log-destination.ts) so nothing is lost on exit. Request logs never include headers or bodies
 * (request-observer.ts); the redaction is a second line of defence should an error
 * object carrying request headers ever be logged.
 */
export function createLogger(options: { level?: LogLevel; stream?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: ['headers.authorization', '*.headers.authorization', 'authorization'], censor: '[redacted]' },
    },
    options.stream ?? tickBatchedDestination(pino.destination({ dest: 1, sync: true })),
  );
}
