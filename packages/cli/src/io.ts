import type { Logger } from '@sigbox/server';

/** Where a command writes: the `sigbox` command and each of its subcommands. */
export interface CliIo {
  /** Human-facing text (help on stdout, banner and errors on stderr); stdout carries the JSON log lines. */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly logger?: Logger;
  /** Whether stderr is a terminal: `sigbox verify` then draws a progress bar instead of printing lines. */
  readonly stderrIsTty?: boolean;
}
