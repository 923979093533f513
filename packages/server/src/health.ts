import type { SigboxHandler } from '@sigbox/api';
import type { Logger } from 'pino';

/** Resolves when the dependency answers (e.g. `SELECT 1` on the database); rejects otherwise. */
export type HealthCheck = () => Promise<void>;

/**
 * `GET /healthz` (openapi/sigbox.yaml getHealth): Fulcio's body, `{"status":"SERVING"}`, and 503
 * `NOT_SERVING` when the health check fails, so a load balancer stops routing to an instance without its database.
 */
export function createHealthHandler(check: HealthCheck | undefined, logger: Logger): SigboxHandler<'getHealth'> {
  return async (_req, res) => {
    try {
      await check?.();
    } catch (err) {
      logger.warn({ err }, 'health check failed');
      res.status(503).json({ status: 'NOT_SERVING' });
      return;
    }
    res.json({ status: 'SERVING' });
  };
}
