import pino from 'pino';

/** Structured JSON logs (CloudWatch-friendly); LOG_LEVEL=silent in tests that want quiet. */
export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { svc: 'svmsched' } });
