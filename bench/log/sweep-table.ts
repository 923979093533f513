/** The sweep's results as Markdown tables: one row per system and concurrency, then Sigbox / rekor-tiles ratios. */
import { quantile } from './http-load.js';
import { type PhaseReport, cpuMsPerAccepted } from './phases.js';
import type { SweepRow, SweepSystem } from './sweep.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const ms = (n: number) => (Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(1) : int(n));

function otherStatuses(report: PhaseReport): string {
  return [...report.result.rejected].map(([status, n]) => `${int(n)}×${status}`).join(', ') || '0';
}

function socketErrors(report: PhaseReport): string {
  const kinds = [...report.result.socketErrorKinds].map(([kind, n]) => `${int(n)}×${kind}`).join(', ');
  return report.result.socketErrors === 0 ? '0' : `${int(report.result.socketErrors)} (${kinds})`;
}

function shed(report: PhaseReport): string {
  const { shed: count, shedLatenciesMs } = report.result;
  return count === 0 ? '0' : `${int(count)} (p99 ${ms(quantile([...shedLatenciesMs].sort((a, b) => a - b), 0.99))} ms)`;
}

/** CPU of everything but the server, its Postgres backends and the generator: other work sharing the machine. */
function otherCores(report: PhaseReport): string {
  const { cpu } = report;
  return Math.max(0, cpu.machine - cpu.server - cpu.postgres - cpu.generator).toFixed(2);
}

export function formatSweepTable(rows: readonly SweepRow[]): string {
  const lines = [
    '| system | C | entries/s | p50 / p99 ms | verified | shed 503/429 (p99) | other statuses | socket errors | timeouts | answered late / stalled | CPU ms / entry | peak RSS MiB | generator cores | other processes (cores) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { system, concurrency, report } of rows) {
    const r = report.result;
    lines.push(
      `| ${system} | ${int(concurrency)} | ${int(report.perSecond)}${r.exhausted ? ' (pool ran out)' : ''} | ${ms(report.p50Ms)} / ${ms(report.p99Ms)} | ${int(r.accepted)} | ${shed(report)} | ${otherStatuses(report)} | ${socketErrors(report)} | ${int(r.timeouts)} | ${int(r.unfinished)} / ${int(r.stalled)} | ${ms2(cpuMsPerAccepted(report))} | ${report.rssMiB ? int(report.rssMiB.peak) : '—'} | ${report.cpu.generator.toFixed(2)} | ${otherCores(report)} |`,
    );
  }
  return lines.join('\n');
}

function find(rows: readonly SweepRow[], system: SweepSystem, concurrency: number): PhaseReport | undefined {
  return rows.find((r) => r.system === system && r.concurrency === concurrency)?.report;
}

/** Per concurrency: Sigbox v1 and v2 over rekor-tiles, for entries/s (higher is better) and CPU per entry (lower is). */
export function formatRatioTable(rows: readonly SweepRow[]): string {
  const concurrencies = [...new Set(rows.map((r) => r.concurrency))];
  const lines = [
    '| C | v1 / rekor-tiles entries/s | v2 / rekor-tiles entries/s | v1 / rekor-tiles CPU per entry | v2 / rekor-tiles CPU per entry |',
    '|---|---|---|---|---|',
  ];
  for (const c of concurrencies) {
    const [v1, v2, tiles] = [find(rows, 'sigbox v1 create', c), find(rows, 'sigbox v2 append', c), find(rows, 'rekor-tiles v2 append', c)];
    if (tiles === undefined) continue;
    const rate = (r: PhaseReport | undefined) => (r === undefined ? '—' : ms2(r.perSecond / tiles.perSecond));
    const cpu = (r: PhaseReport | undefined) => (r === undefined ? '—' : ms2(cpuMsPerAccepted(r) / cpuMsPerAccepted(tiles)));
    lines.push(`| ${int(c)} | ${rate(v1)} | ${rate(v2)} | ${cpu(v1)} | ${cpu(v2)} |`);
  }
  return lines.length > 2 ? lines.join('\n') : '';
}
