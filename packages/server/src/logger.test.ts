import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ stream: { write: (line: string) => void lines.push(line) } });
  return { logger, text: () => lines.join('') };
}

describe('createLogger', () => {
  it('redacts an Authorization header wherever errors and requests are logged', () => {
    const { logger, text } = capture();
    logger.error({ err: { message: 'upstream said no', headers: { authorization: 'Bearer SECRET-1' } } }, 'failed');
    logger.warn({ req: { headers: { authorization: 'Bearer SECRET-2', accept: 'json' } } }, 'odd request');
    logger.info({ headers: { authorization: 'Bearer SECRET-3' }, authorization: 'Bearer SECRET-4' }, 'top level');
    logger.info({ cause: { headers: { authorization: 'Bearer SECRET-5' } } }, 'caused');
    expect(text()).not.toMatch(/SECRET-\d/);
    expect(text()).toContain('[redacted]');
    expect(text()).toContain('"accept":"json"');
  });
});
