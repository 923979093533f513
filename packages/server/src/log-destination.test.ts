import { describe, expect, it } from 'vitest';
import { tickBatchedDestination } from './log-destination.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('tickBatchedDestination', () => {
  it('writes the lines of one event-loop turn with one call, in order, by the end of that turn', async () => {
    const writes: string[] = [];
    const out = tickBatchedDestination({ write: (text) => writes.push(text) });
    out.write('a\n');
    out.write('b\n');
    out.write('c\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n']);
    out.write('d\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('cuts a large turn at line boundaries into writes of at most 4,096 bytes (atomic on a shared pipe)', async () => {
    const writes: string[] = [];
    const out = tickBatchedDestination({ write: (text) => writes.push(text) });
    const line = `${'é'.repeat(499)}\n`; // 999 bytes in UTF-8, 500 characters
    for (let i = 0; i < 10; i++) out.write(line);
    const long = `${'x'.repeat(5000)}\n`;
    out.write(long);
    await nextTurn();
    expect(writes.map((w) => Buffer.byteLength(w))).toEqual([3996, 3996, 1998, 5001]);
    expect(writes.join('')).toBe(line.repeat(10) + long);
  });

  it('writes what is pending when flushed, and nothing twice', async () => {
    const writes: string[] = [];
    const out = tickBatchedDestination({ write: (text) => writes.push(text) });
    out.write('x\n');
    out.flush();
    expect(writes).toEqual(['x\n']);
    await nextTurn();
    expect(writes).toEqual(['x\n']);
  });
});
