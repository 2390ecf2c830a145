import { z } from 'zod';

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const tenantParams = z.object({ tenant: z.string().min(1).max(200) });

/** Error answers every webhook route may give; the 2xx bodies are provider-specific text. */
export const webhookErrors = {
  /** Plain text (TwiML for Twilio inbound): sent as-is, never JSON-serialized. */
  200: z.string(),
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  413: errorSchema,
  415: errorSchema,
  503: errorSchema,
};
