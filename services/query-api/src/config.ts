import { z } from 'zod';
import { httpEnv, logEnv, port, postgresEnv, redisEnv } from '@tally/config';

export const queryApiConfigSchema = z.object({
  ...logEnv,
  ...redisEnv,
  ...postgresEnv,
  ...httpEnv,
  PORT: port.default(3002),
});
export type QueryApiConfig = z.infer<typeof queryApiConfigSchema>;
