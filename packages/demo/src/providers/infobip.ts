/**
 * Infobip delivery reports (docs/providers.md): `results[]` with status groups and prices. Infobip
 * does not document signed webhooks; ingest protects each tenant's endpoint with a secret of its
 * own, presented as the tenant configured it (Bearer / App header, basic auth, or `?secret=`).
 * Pure.
 */

export type InfobipAuthMode = 'bearer' | 'basic' | 'query';

/** `yyyy-MM-ddTHH:mm:ss.SSS+0000`, as Infobip writes times. */
export function infobipTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export interface InfobipStatus {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  description: string;
}

export const INFOBIP_STATUS = {
  toOperator: {
    groupId: 3,
    groupName: 'DELIVERED',
    id: 2,
    name: 'DELIVERED_TO_OPERATOR',
    description: 'Message delivered to operator',
  },
  toHandset: {
    groupId: 3,
    groupName: 'DELIVERED',
    id: 5,
    name: 'DELIVERED_TO_HANDSET',
    description: 'Message delivered to handset',
  },
  undeliverable: {
    groupId: 2,
    groupName: 'UNDELIVERABLE',
    id: 9,
    name: 'UNDELIVERABLE_NOT_DELIVERED',
    description: 'Message sent not delivered',
  },
  expired: {
    groupId: 4,
    groupName: 'EXPIRED',
    id: 15,
    name: 'EXPIRED_EXPIRED',
    description: 'Message expired',
  },
  rejected: {
    groupId: 5,
    groupName: 'REJECTED',
    id: 6,
    name: 'REJECTED_NETWORK',
    description: 'Network is forbidden',
  },
} as const satisfies Record<string, InfobipStatus>;

const NO_ERROR = {
  groupId: 0,
  groupName: 'OK',
  id: 0,
  name: 'NO_ERROR',
  description: 'No Error',
  permanent: false,
};

export function infobipResult(r: {
  bulkId: string;
  messageId: string;
  to: string;
  from: string;
  sentAt: number;
  doneAt: number;
  mccMnc: string;
  callbackData: string;
  status: InfobipStatus;
  price?: { pricePerMessage: number; currency: string } | undefined;
  error?: {
    groupId: number;
    groupName: string;
    id: number;
    name: string;
    description: string;
    permanent: boolean;
  };
}): Record<string, unknown> {
  return {
    bulkId: r.bulkId,
    messageId: r.messageId,
    to: r.to,
    from: r.from,
    sentAt: infobipTime(r.sentAt),
    doneAt: infobipTime(r.doneAt),
    smsCount: 1,
    mccMnc: r.mccMnc,
    callbackData: r.callbackData,
    price: r.price ?? { pricePerMessage: 0, currency: 'EUR' },
    status: r.status,
    error: r.error ?? NO_ERROR,
  };
}

/** How the tenant's secret travels with a report: a header, or the notify URL's query. */
export function infobipAuth(
  secret: string,
  mode: InfobipAuthMode,
): { authorization?: string; query?: string } {
  if (mode === 'query') return { query: `secret=${encodeURIComponent(secret)}` };
  if (mode === 'basic')
    return { authorization: `Basic ${Buffer.from(`infobip:${secret}`).toString('base64')}` };
  return { authorization: `App ${secret}` };
}
