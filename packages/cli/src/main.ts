// Entry point of the `sigbox` command (`npm start` = `sigbox up`). The only file that touches process
// argv, env and exit; everything else takes them as arguments.
import { run } from './run.js';

const code = await run(process.argv.slice(2), process.env, {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
});
// Explicit exit: a stray handle (a driver's timer) must not keep a stopped server's process alive.
process.exit(code);
