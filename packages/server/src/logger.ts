import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { tickBatchedDestination } from './log-destination.js';

export type { Logger } from 'pino';
export type LogLevel = Level;

/**
 * Where an Authorization header could reach a log line: at the top level or under the keys errors and requests
 * are logged as. Named keys, not `*.headers.authorization`: a wildcard makes pino walk every field of every
 * line, half the cost of a request's log line (bench/log).
 */
const REDACTED_PATHS = ['authorization', 'headers.authorization', ...['err', 'error', 'cause', 'req', 'request', 'response'].map((key) => `${key}.headers.authorization`)];

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
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.stream ?? tickBatchedDestination(pino.destination({ dest: 1, sync: true })),
  );
}
