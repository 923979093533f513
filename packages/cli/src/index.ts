export { loadConfig, DEFAULT_PORT, DEFAULT_HOST, DEFAULT_DATA_DIR, type CliConfig } from './config.js';
export { ConfigError, type ConfigErrorCode } from './error.js';
export { run, EXIT_OK, EXIT_START_FAILED, EXIT_USAGE } from './run.js';
export type { CliIo } from './io.js';
export { formatBanner } from './banner.js';
export { USAGE } from './usage.js';
