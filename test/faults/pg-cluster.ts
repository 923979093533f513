/**
 * A PostgreSQL cluster of the fault suite's own, which it may stop, restart and kill without disturbing the server
 * other suites share: `initdb` and `pg_ctl` from the postgresql-15 package, in a temporary folder, on a free port,
 * as the `postgres` OS user when the tests run as root (PostgreSQL refuses to run as root), else as whoever runs them.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import fs from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's postgresql-15 (what .ci/run installs); PG_BIN points elsewhere. */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** Starting, stopping and restarting a small idle cluster takes about a second; a loaded machine, more. */
const PG_CTL_TIMEOUT_S = 60;

export function clusterToolsAvailable(): boolean {
  return ['initdb', 'pg_ctl'].every((tool) => fs.existsSync(path.join(PG_BIN, tool)));
}

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, loopback only). */
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: every session ends with 57P01, nothing listens until start(). */
  stop(): Promise<void>;
  /** `pg_ctl restart -m fast`. */
  restart(): Promise<void>;
  /** Stops the cluster and removes its folder. */
  destroy(): Promise<void>;
}

async function osUser(): Promise<{ uid: number; gid: number; asUser: string[] } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), asUser: ['runuser', '-u', 'postgres', '--'] };
}

/** initdb into a new temporary folder and start on `port`. */
export async function createPgCluster(port: number): Promise<PgCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sigbox-faults-pg-'));
  const user = await osUser();
  if (user) await chown(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const pg = async (tool: string, args: string[]) => {
    const [command, ...rest] = [...(user?.asUser ?? []), path.join(PG_BIN, tool), ...args];
    await run(command as string, rest, { timeout: PG_CTL_TIMEOUT_S * 1000 });
  };
  // fsync off: the suite kills Sigbox, never this cluster's host, and durability across a crash of PostgreSQL
  // itself is not what it checks; a stopped or restarted server still writes everything out first.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const ctl = (action: 'start' | 'stop' | 'restart', ...extra: string[]) => {
    const starting = action === 'stop' ? [] : ['-l', path.join(dir, 'server.log'), '-o', options];
    return pg('pg_ctl', [action, '-D', data, ...starting, '-w', '-t', String(PG_CTL_TIMEOUT_S), ...extra]);
  };
  await pg('initdb', ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync']);
  await ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => ctl('start'),
    stop: () => ctl('stop', '-m', 'fast'),
    restart: () => ctl('restart', '-m', 'fast'),
    async destroy() {
      await ctl('stop', '-m', 'immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
