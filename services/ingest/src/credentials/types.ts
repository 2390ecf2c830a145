/**
 * The credential fields of each provider, as the admin CLI sets them and the webhook routes read
 * them. Secrets are the signing keys; the other fields shape verification and normalization.
 */
import { z } from 'zod';

const secret = z.string().min(1).max(1000);

export const credentialSchemas = {
  twilio: z.strictObject({ authToken: secret }),
  whatsapp: z.strictObject({ appSecret: secret, verifyToken: secret }),
  vonage: z.strictObject({
    signatureSecret: secret,
    /** How SMS API `sig` is computed (account setting); Messages API JWTs are always HS256. */
    signatureMethod: z.enum(['md5hash', 'md5', 'sha1', 'sha256', 'sha512']).default('sha256'),
    /** SMS API prices carry no currency: they are in the account currency. */
    accountCurrency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('EUR'),
  }),
  infobip: z.strictObject({
    secret,
    /** How Infobip presents the secret: `Authorization: Bearer|App <secret>`, basic auth password, or `?secret=`. */
    authMode: z.enum(['bearer', 'basic', 'query']).default('bearer'),
  }),
} as const;

export type ProviderName = keyof typeof credentialSchemas;
export const PROVIDER_NAMES = Object.keys(credentialSchemas) as ProviderName[];
export type ProviderCredentials = { [P in ProviderName]: z.infer<(typeof credentialSchemas)[P]> };

export function isProviderName(s: string): s is ProviderName {
  return (PROVIDER_NAMES as string[]).includes(s);
}
