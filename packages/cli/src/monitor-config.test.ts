import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { DEFAULT_MONITOR_INTERVAL_S } from './monitor-config.js';

const load = (...argv: string[]) => loadConfig(['monitor', ...argv], { HOME: '/home/u' }, '/work');

describe('sigbox monitor command line', () => {
  it('takes the log URL alone, with defaults: tiles, a state file in the folder, rounds every 30 s', () => {
    expect(load('--log', 'http://127.0.0.1:8080/')).toEqual({
      command: 'monitor',
      monitor: {
        log: 'http://127.0.0.1:8080',
        kind: 'tiles',
        logKeyFile: undefined,
        policyFile: undefined,
        images: [],
        dockerConfigFile: '/home/u/.docker/config.json',
        webhook: undefined,
        store: { kind: 'file', file: '/work/sigbox-monitor.json' },
        once: false,
        fromHead: false,
        intervalSeconds: DEFAULT_MONITOR_INTERVAL_S,
        metricsPort: undefined,
      },
    });
  });

  it('reads every flag', () => {
    const config = load(
      '--log', 'https://rekor.example/api/v2', '--kind', 'rekor-v1', '--log-key', 'k.pem', '--policy', 'p.yaml', '--images', 'r.example/a',
      '--images', 'r.example/b', '--docker-config', 'd.json', '--webhook', 'https://hooks.example/x', '--database-url', 'postgres://u@db/x',
      '--once', '--interval', '5', '--metrics-port', '9464',
    );
    expect(load('--log', 'http://x', '--from', 'head')).toMatchObject({ monitor: { fromHead: true } });
    expect(config).toMatchObject({
      monitor: {
        kind: 'rekor-v1', logKeyFile: '/work/k.pem', policyFile: '/work/p.yaml', images: ['r.example/a', 'r.example/b'], dockerConfigFile: '/work/d.json',
        webhook: 'https://hooks.example/x', store: { kind: 'database', url: 'postgres://u@db/x' }, once: true, intervalSeconds: 5, metricsPort: 9464,
      },
    });
  });

  it('refuses what it cannot run', () => {
    for (const [argv, message] of [
      [[], /needs --log/],
      [['--log', 'ftp://x'], /--log must be an http/],
      [['--log', 'http://x', '--kind', 'v3'], /--kind must be/],
      [['--log', 'http://x', '--state', 's', '--database-url', 'postgres://db/x'], /alternatives/],
      [['--log', 'http://x', '--interval', '0'], /--interval must be/],
      [['--log', 'http://x', '--from', 'middle'], /--from must be/],
      [['--log', 'http://x', '--kind', 'ct', '--from', 'head'], /needs --kind tiles/],
      [['--log', 'http://x', 'extra'], /unexpected argument/],
      [['--log', 'http://x', '--nope'], /unknown flag --nope/],
    ] as const) {
      expect(() => load(...argv), argv.join(' ')).toThrow(message);
    }
  });

  it('sigbox up --monitor-policy: one process only', () => {
    const up = loadConfig(['up', '--dev', '--monitor-policy', 'p.yaml'], {}, '/work');
    expect(up).toMatchObject({ command: 'up', monitorPolicy: '/work/p.yaml' });
    expect(() => loadConfig(['up', '--dev', '--monitor-policy', 'p.yaml', '--workers', '2', '--database-url', 'postgres://db/x'], {}, '/work')).toThrow(/--workers/);
  });
});
