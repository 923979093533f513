import { BaseError } from '@sigbox/core';
import { type NextRoot, type PublishedTargets, type TufStatus, publishTufTargets, readTufStatus, signNextRoot } from '@sigbox/server';
import { runInitCommand } from './init-command.js';
import type { CliIo } from './io.js';
import type { TufCommand } from './tuf-config.js';

/** Exit codes of `sigbox tuf`: 0 done (status: nothing expired), 1 refused, failed or something expired (2: the command line). */
export const EXIT_TUF_OK = 0;
export const EXIT_TUF_FAILED = 1;

const DAY_S = 86_400;
const HASH_PREFIX = 12;

/** Time left, as an operator reads it: days when there are some, else hours and minutes, else seconds. */
export function formatLeft(seconds: number): string {
  if (seconds <= 0) return 'EXPIRED';
  if (seconds >= 2 * DAY_S) return `${Math.floor(seconds / DAY_S)} d`;
  if (seconds >= 3_600) return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min` : `${seconds} s`;
}

const expiresText = (expires: Date) => expires.toISOString().replace('.000Z', 'Z');

/** `sigbox tuf status` as text: the roles, the targets, whether they are current, the warnings. */
export function formatTufStatus(status: TufStatus): string {
  const out = [`TUF repository at ${expiresText(new Date(Math.floor(status.now.getTime() / 1000) * 1000))}:`, `  ${'role'.padEnd(10)} ${'version'.padEnd(8)} ${'expires'.padEnd(21)} left`];
  for (const r of status.roles) out.push(`  ${r.role.padEnd(10)} ${String(r.version).padEnd(8)} ${expiresText(r.expires).padEnd(21)} ${formatLeft(r.secondsLeft)}`);
  const targets = status.roles.find((r) => r.role === 'targets');
  if (targets) {
    out.push(`targets v${targets.version} (${status.targets.length} files):`);
    const width = Math.max(...status.targets.map((t) => t.name.length));
    for (const t of status.targets) {
      const legacy = t.usage === undefined ? '' : `  ${t.usage} ${t.status ?? ''}`.trimEnd();
      out.push(`  ${t.name.padEnd(width)}  sha256 ${t.sha256.slice(0, HASH_PREFIX)}…  ${String(t.length).padStart(6)} bytes${legacy}`);
    }
    const f = status.freshness;
    if (f === undefined) out.push(`served: targets v${targets.version} (cannot tell whether the box would publish the same now: give --public-url)`);
    else if (f.same) out.push(`targets v${targets.version} are what the box publishes now (public URL ${f.publicUrl}, CT log ${f.ctLog ? 'on' : 'off'})`);
    else out.push(`targets v${targets.version} are NOT what the box would publish now (public URL ${f.publicUrl}, CT log ${f.ctLog ? 'on' : 'off'}): ${f.changed.join(', ')} changed`);
  }
  for (const w of status.warnings) out.push(`WARNING: ${w}`);
  return `${out.join('\n')}\n`;
}

/** What `sign-root` did and what the operator does next. */
export function formatNextRoot(next: NextRoot, keysDir: string): string {
  const { roles } = (next.doc.json as { signed: { roles: Record<'root', { keyids: string[]; threshold: number }> } }).signed;
  const custody = (k: NextRoot['made'][number]) => (k.custody === 'hsm' ? `HSM label ${k.label}` : k.custody === 'file' ? `${k.file}, encrypted` : k.dir);
  const online = next.made.filter((k) => k.role === 'tuf-snapshot' || k.role === 'tuf-timestamp');
  const boxFiles = [`tuf/${next.doc.version}.root.json`, ...(next.made.length > 0 ? ['keyring.json'] : []), ...online.flatMap((k) => (k.custody === 'file' ? [k.file] : []))];
  const lines = [
    `signed root v${next.doc.version}, expires ${expiresText(next.doc.expires)}: ${roles.root.threshold} of ${roles.root.keyids.length} root keys sign from now on`,
    `  signed by ${next.signedBy.join(', ')}`,
    `  wrote ${next.file}`,
    ...(next.made.length > 0 ? [`  new keys in ${keysDir}: ${next.made.map((k) => `${k.name} (${custody(k)})`).join(', ')}`] : []),
    `Next: copy ${boxFiles.join(', ')} into the box's keyring folder (root keys stay offline). It serves root ${next.doc.version} within a minute` +
      `${online.length > 0 ? ' and re-signs snapshot and timestamp with the new keys at once' : ''}; clients need nothing, they walk from the root they hold.`,
    `Back up ${keysDir} again.`,
  ];
  return `${lines.join('\n')}\n`;
}

export function formatPublished(published: PublishedTargets): string {
  if (!published.stored) return `another process stored targets v${published.doc.version} first; nothing was published here: run \`sigbox tuf status\`\n`;
  return (
    `published targets v${published.doc.version}${published.previous === undefined ? '' : ` (was v${published.previous})`}, expires ${expiresText(published.doc.expires)}: ${published.targets.join(', ')}\n` +
    `the running box signs the snapshot and timestamp for it at its next round (within a minute)\n`
  );
}

async function runAction(command: Exclude<TufCommand, { action: 'init' }>, io: CliIo): Promise<number> {
  switch (command.action) {
    case 'status': {
      const status = await readTufStatus({ dataDir: command.dataDir, databaseUrl: command.databaseUrl, ...(command.publicUrl ? { publicUrl: command.publicUrl } : {}) });
      io.stdout(formatTufStatus(status));
      return status.expired.length > 0 ? EXIT_TUF_FAILED : EXIT_TUF_OK;
    }
    case 'sign-root': {
      const next = await signNextRoot({
        keysDir: command.keysDir,
        secrets: command.secrets,
        rotateKeys: command.rotateKeys,
        addRootKeys: command.addRootKeys,
        ...(command.threshold === undefined ? {} : { threshold: command.threshold }),
        lifetimeMs: command.expiryDays * DAY_S * 1000,
        rotateOnline: command.rotateOnline,
      });
      io.stdout(formatNextRoot(next, command.keysDir));
      return EXIT_TUF_OK;
    }
    case 'publish': {
      const published = await publishTufTargets(command);
      io.stdout(formatPublished(published));
      return published.stored ? EXIT_TUF_OK : EXIT_TUF_FAILED;
    }
  }
}

/** Runs `sigbox tuf …`; resolves with the exit code. Messages name files and keys, never a passphrase or PIN. */
export async function runTufCommand(command: TufCommand, io: CliIo): Promise<number> {
  if (command.action === 'init') {
    io.stderr('sigbox tuf init is sigbox init: the key ceremony makes the TUF keys and signs root 1 with the others\n');
    return runInitCommand(command.init, io);
  }
  try {
    return await runAction(command, io);
  } catch (err) {
    if (!(err instanceof BaseError || (err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string'))) throw err;
    io.stderr(`sigbox: ${err.message}\n`);
    return EXIT_TUF_FAILED;
  }
}
