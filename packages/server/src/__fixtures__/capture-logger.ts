import { pino, type Logger } from 'pino';

/** A real pino logger writing JSON lines into memory, so tests can read what would have been logged. */
export function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (chunk: string) => void chunks.push(chunk) });
  return {
    logger,
    text: () => chunks.join(''),
    lines: () => chunks.map((c) => JSON.parse(c) as Record<string, unknown>),
  };
}
