import { describe, expect, it } from 'vitest';
import { readBodyWithin } from './body.js';

const streamed = (parts: number[]) =>
  new Response(new ReadableStream<Uint8Array>({
    start(controller) {
      for (const n of parts) controller.enqueue(new Uint8Array(n).fill(7));
      controller.close();
    },
  }));

describe('readBodyWithin', () => {
  it('returns the whole body up to the limit, across chunks', async () => {
    expect(await readBodyWithin(streamed([3, 4, 3]), 10)).toEqual(new Uint8Array(10).fill(7));
    expect(await readBodyWithin(new Response(null), 10)).toEqual(new Uint8Array(0));
  });

  it('refuses a body that streams past the limit, and one whose Content-Length declares more', async () => {
    expect(await readBodyWithin(streamed([6, 5]), 10)).toBeUndefined();
    const declared = new Response('tiny', { headers: { 'content-length': '11' } });
    expect(await readBodyWithin(declared, 10)).toBeUndefined();
  });
});
