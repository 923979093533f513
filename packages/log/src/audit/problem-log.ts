import type { AuditProblem } from './audit-types.js';

/** Counts every problem, keeps the first `limit`: a corrupt table must not fill memory with reports. */
export class ProblemLog {
  readonly listed: AuditProblem[] = [];
  count = 0;

  constructor(private readonly limit: number) {}

  add(problem: AuditProblem): void {
    this.count++;
    if (this.listed.length < this.limit) this.listed.push(problem);
  }
}
