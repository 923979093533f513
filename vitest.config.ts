import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

// Vectors stay in ../shared/vectors and are read in place; resolved once here so every test sees one path.
const vectors = path.resolve(root, process.env.SIGBOX_VECTORS ?? '../shared/vectors');

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources: no build step before tests.
  ssr: { resolve: { conditions: ['@sigbox/source'] } },
  resolve: { conditions: ['@sigbox/source'] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    env: { SIGBOX_VECTORS: vectors },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
