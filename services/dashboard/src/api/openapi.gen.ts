/**
 * GENERATED from query-api's route schemas (its OpenAPI document) by scripts/api-types.ts:
 * `pnpm --filter @tally/dashboard gen:api`. Do not edit; name what the dashboard reads in types.ts.
 */
export interface paths {
  '/v1/alert-rules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant's alert rules */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              isDefault: boolean;
              rules: {
                deliveryDrop: {
                  /** @default false */
                  autoPause: boolean;
                  /** @default false */
                  enabled: boolean;
                  /** @description narrow the rule (issue 20): decided on the Wilson 95 % bound, like optOutSpike */
                  filter?: {
                    carrier?: string;
                    country?: string;
                  };
                  /** @default 0.9 */
                  floor: number;
                  /** @default 200 */
                  minSent: number;
                  /**
                   * @description the window ends this many minutes ago, so receipts of the newest sends can arrive
                   * @default 2
                   */
                  receiptGraceMinutes: number;
                  /** @default 600 */
                  resolveAfterSeconds: number;
                  /**
                   * @default [
                   *       "campaign"
                   *     ]
                   */
                  scopes: ('campaign' | 'sender')[];
                  /** @default 15 */
                  windowMinutes: number;
                };
                failureSpike: {
                  /** @default false */
                  autoPause: boolean;
                  /** @default false */
                  enabled: boolean;
                  /** @description narrow the rule (issue 20): decided on the Wilson 95 % bound, like optOutSpike */
                  filter?: {
                    carrier?: string;
                    country?: string;
                    failureClass?: string;
                  };
                  /** @default 200 */
                  minSent: number;
                  /** @default 600 */
                  resolveAfterSeconds: number;
                  /**
                   * @default [
                   *       "campaign"
                   *     ]
                   */
                  scopes: ('campaign' | 'sender')[];
                  /** @default 0.05 */
                  threshold: number;
                  /** @default 15 */
                  windowMinutes: number;
                };
                optOutSpike: {
                  /** @default true */
                  absolute: boolean;
                  /** @default false */
                  autoPause: boolean;
                  /** @default false */
                  baseline: boolean;
                  /** @default 3 */
                  baselineMultiplier: number;
                  /** @default true */
                  enabled: boolean;
                  /** @default 200 */
                  minDelivered: number;
                  /** @default 3 */
                  minOptOuts: number;
                  /** @default 600 */
                  resolveAfterSeconds: number;
                  /**
                   * @default [
                   *       "campaign"
                   *     ]
                   */
                  scopes: ('campaign' | 'sender')[];
                  /** @default 0.02 */
                  threshold: number;
                  /** @default 15 */
                  windowMinutes: number;
                };
                /** @default 14400 */
                renotifyAfterSeconds: number;
              };
              updatedAt: string | null;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    /** Replace the tenant's alert rules (omitted fields take the defaults) */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @default {} */
            deliveryDrop?: {
              /** @default false */
              autoPause?: boolean;
              /** @default false */
              enabled?: boolean;
              /** @description narrow the rule (issue 20): decided on the Wilson 95 % bound, like optOutSpike */
              filter?: {
                carrier?: string;
                country?: string;
              };
              /** @default 0.9 */
              floor?: number;
              /** @default 200 */
              minSent?: number;
              /**
               * @description the window ends this many minutes ago, so receipts of the newest sends can arrive
               * @default 2
               */
              receiptGraceMinutes?: number;
              /** @default 600 */
              resolveAfterSeconds?: number;
              /**
               * @default [
               *       "campaign"
               *     ]
               */
              scopes?: ('campaign' | 'sender')[];
              /** @default 15 */
              windowMinutes?: number;
            };
            /** @default {} */
            failureSpike?: {
              /** @default false */
              autoPause?: boolean;
              /** @default false */
              enabled?: boolean;
              /** @description narrow the rule (issue 20): decided on the Wilson 95 % bound, like optOutSpike */
              filter?: {
                carrier?: string;
                country?: string;
                failureClass?: string;
              };
              /** @default 200 */
              minSent?: number;
              /** @default 600 */
              resolveAfterSeconds?: number;
              /**
               * @default [
               *       "campaign"
               *     ]
               */
              scopes?: ('campaign' | 'sender')[];
              /** @default 0.05 */
              threshold?: number;
              /** @default 15 */
              windowMinutes?: number;
            };
            /** @default {} */
            optOutSpike?: {
              /** @default true */
              absolute?: boolean;
              /** @default false */
              autoPause?: boolean;
              /** @default false */
              baseline?: boolean;
              /** @default 3 */
              baselineMultiplier?: number;
              /** @default true */
              enabled?: boolean;
              /** @default 200 */
              minDelivered?: number;
              /** @default 3 */
              minOptOuts?: number;
              /** @default 600 */
              resolveAfterSeconds?: number;
              /**
               * @default [
               *       "campaign"
               *     ]
               */
              scopes?: ('campaign' | 'sender')[];
              /** @default 0.02 */
              threshold?: number;
              /** @default 15 */
              windowMinutes?: number;
            };
            /** @default 14400 */
            renotifyAfterSeconds?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              isDefault: boolean;
              rules: {
                deliveryDrop: {
                  /** @default false */
                  autoPause: boolean;
                  /** @default false */
                  enabled: boolean;
                  /** @description narrow the rule (issue 20): decided on the Wilson 95 % bound, like optOutSpike */
                  filter?: {
                    carrier?: string;
                    country?: string;
                  };
                  /** @default 0.9 */
                  floor: number;
                  /** @default 200 */
                  minSent: number;
                  /**
                   * @description the window ends this many minutes ago, so receipts of the newest sends can arrive
                   * @default 2
                   */
                  receiptGraceMinutes: number;
                  /** @default 600 */
                  resolveAfterSeconds: number;
                  /**
                   * @default [
                   *       "campaign"
                   *     ]
                   */
                  scopes: ('campaign' | 'sender')[];
                  /** @default 15 */
                  windowMinutes: number;
                };
                failureSpike: {
                  /** @default false */
                  autoPause: boolean;
                  /** @default false */
                  enabled: boolean;
                  /** @description narrow the rule (issue 20): decided on the Wilson 95 % bound, like optOutSpike */
                  filter?: {
                    carrier?: string;
                    country?: string;
                    failureClass?: string;
                  };
                  /** @default 200 */
                  minSent: number;
                  /** @default 600 */
                  resolveAfterSeconds: number;
                  /**
                   * @default [
                   *       "campaign"
                   *     ]
                   */
                  scopes: ('campaign' | 'sender')[];
                  /** @default 0.05 */
                  threshold: number;
                  /** @default 15 */
                  windowMinutes: number;
                };
                optOutSpike: {
                  /** @default true */
                  absolute: boolean;
                  /** @default false */
                  autoPause: boolean;
                  /** @default false */
                  baseline: boolean;
                  /** @default 3 */
                  baselineMultiplier: number;
                  /** @default true */
                  enabled: boolean;
                  /** @default 200 */
                  minDelivered: number;
                  /** @default 3 */
                  minOptOuts: number;
                  /** @default 600 */
                  resolveAfterSeconds: number;
                  /**
                   * @default [
                   *       "campaign"
                   *     ]
                   */
                  scopes: ('campaign' | 'sender')[];
                  /** @default 0.02 */
                  threshold: number;
                  /** @default 15 */
                  windowMinutes: number;
                };
                /** @default 14400 */
                renotifyAfterSeconds: number;
              };
              updatedAt: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/alerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant's alerts, newest first */
    get: {
      parameters: {
        query?: {
          limit?: number;
          state?: 'firing' | 'resolved';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              alerts: {
                /** @description firing only: since when its condition has been clear; it resolves after the rule's resolveAfterSeconds */
                clearSince: string | null;
                dedupKey: string;
                firedAt: string;
                id: string;
                lastNotifiedAt: string;
                lastNumbers: {
                  [key: string]: number | string | boolean | null;
                };
                numbers: {
                  [key: string]: number | string | boolean | null;
                };
                resolvedAt: string | null;
                /** @enum {string} */
                ruleType: 'optOutSpike' | 'deliveryDrop' | 'failureSpike';
                scope: {
                  id: string;
                  /** @enum {string} */
                  kind: 'campaign' | 'sender';
                };
                /** @enum {string} */
                state: 'firing' | 'resolved';
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/alerts/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Alert transitions, live (text/event-stream) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/attribution': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Events that count nowhere: pending, unattributed, late (by event type) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              /** @description arrived beyond the late-data horizon; counted here only */
              late: {
                [key: string]: number;
              };
              /** @description may still be attributed; `message`: messages whose campaign is unknown */
              pending: {
                [key: string]: number;
              };
              /** @description no candidate left: their horizon has passed, or nothing names a campaign */
              unattributed: {
                [key: string]: number;
              };
              windows: {
                clickMs: number;
                deliveredMs: number;
                horizonMs: number;
                replyMs: number;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/audience/frequency': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Opt-out, click, reply and engagement rates by messages received in the period */
    get: {
      parameters: {
        query?: {
          days?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              buckets: {
                /** @enum {string} */
                bucket: '1' | '2' | '3' | '4-5' | '6-10' | '11+';
                clickers: number;
                clickRate: number | null;
                engaged: number;
                /** @description opened, clicked or replied in the period */
                engagementRate: number | null;
                optOutRate: number | null;
                optOuts: number;
                /** @description sample size */
                recipients: number;
                repliers: number;
                replyRate: number | null;
              }[];
              days: number;
              /** @description first instant of the period (UTC midnight) */
              from: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/audience/silent-disengagement': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Subscribed recipients reached repeatedly with no open, click or reply */
    get: {
      parameters: {
        query?: {
          channel?: 'sms' | 'whatsapp' | 'push' | 'in_app';
          cursor?: string;
          days?: number;
          limit?: number;
          minMessages?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              /** @description subscribed recipients reached in the period */
              audience: number;
              channel: string | null;
              count: number;
              days: number;
              /** @description first instant of the period (UTC midnight) */
              from: string;
              minMessages: number;
              nextCursor: string | null;
              recipients: {
                lastEngagedAt: string | null;
                lastReachAt: string | null;
                reachesInPeriod: number;
                /** @description pseudonymous (HMAC) id */
                recipientId: string;
              }[];
              /** @description count / audience */
              share: number | null;
              trend: {
                reached: number;
                /** @description of those reached that week: no engagement since it began */
                silentSince: number;
                weekStart: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/campaigns': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant's campaigns with headline KPIs: filter, sort, cursor paging */
    get: {
      parameters: {
        query?: {
          channel?: 'sms' | 'whatsapp' | 'push' | 'in_app';
          /** @description nextCursor of the previous page */
          cursor?: string;
          /** @description first event time at or after (ISO-8601) */
          from?: string;
          limit?: number;
          /** @description a count or rate name; leading "-" = descending */
          sort?:
            | 'deliveryRate'
            | '-deliveryRate'
            | 'openRate'
            | '-openRate'
            | 'ctr'
            | '-ctr'
            | 'clickToOpenRate'
            | '-clickToOpenRate'
            | 'conversionRate'
            | '-conversionRate'
            | 'optOutRate'
            | '-optOutRate'
            | 'replyRate'
            | '-replyRate'
            | 'uninstallRate'
            | '-uninstallRate'
            | 'sent'
            | '-sent'
            | 'delivered'
            | '-delivered'
            | 'failed'
            | '-failed'
            | 'opened'
            | '-opened'
            | 'clicked'
            | '-clicked'
            | 'clicks'
            | '-clicks'
            | 'botClicks'
            | '-botClicks'
            | 'clicksWithin10s'
            | '-clicksWithin10s'
            | 'replied'
            | '-replied'
            | 'converted'
            | '-converted'
            | 'conversions'
            | '-conversions'
            | 'optOuts'
            | '-optOuts'
            | 'uninstalls'
            | '-uninstalls'
            | 'firstEventAt'
            | '-firstEventAt'
            | 'campaignId'
            | '-campaignId';
          /** @description first event time before (ISO-8601) */
          to?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              campaigns: {
                asOf: string;
                campaignId: string;
                channel: string | null;
                counts: {
                  botClicks: number;
                  clicked: number;
                  clicks: number;
                  clicksWithin10s: number;
                  conversions: number;
                  converted: number;
                  delivered: number;
                  failed: number;
                  opened: number;
                  optOuts: number;
                  replied: number;
                  sent: number;
                  uninstalls: number;
                };
                engagementDuration: {
                  count: number;
                  meanMs: number | null;
                } | null;
                featureAdoption: {
                  adopters: number;
                  openers: number;
                  rate: number | null;
                };
                firstEventAt: string | null;
                money: {
                  cost: {
                    [key: string]: number;
                  };
                  costPerConversion: {
                    [key: string]: number | null;
                  };
                  revenue: {
                    [key: string]: number;
                  };
                  roi: {
                    [key: string]: number | null;
                  };
                };
                /** @description rates this channel cannot report (null in rates), each with the reason; {} when none */
                notReported: {
                  [key: string]: string;
                };
                rates: {
                  clickToOpenRate: number | null;
                  conversionRate: number | null;
                  ctr: number | null;
                  deliveryRate: number | null;
                  openRate: number | null;
                  optOutRate: number | null;
                  replyRate: number | null;
                  uninstallRate: number | null;
                };
                responseTime: {
                  count: number;
                  medianMs: number | null;
                  p90Ms: number | null;
                } | null;
                satisfaction: {
                  count: number;
                  mean: number | null;
                };
                window: string;
              }[];
              nextCursor: string | null;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/campaigns/{id}/benchmark': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A campaign against the previous N campaigns on its channel, and its early reads */
    get: {
      parameters: {
        query?: {
          previous?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              campaignId: string;
              channel: string | null;
              /** @description the campaign's lifetime counts: the sample of each value */
              counts: {
                botClicks: number;
                clicked: number;
                clicks: number;
                clicksWithin10s: number;
                conversions: number;
                converted: number;
                delivered: number;
                failed: number;
                opened: number;
                optOuts: number;
                replied: number;
                sent: number;
                uninstalls: number;
              };
              earlyRead: {
                /** @enum {string} */
                at: '15m' | '1h' | '24h';
                /** @description against previous campaigns whose point has passed */
                benchmark: {
                  [key: string]: {
                    delta: number | null;
                    median: number | null;
                    p25: number | null;
                    p75: number | null;
                    /** @description 0–100: share of previous below, half of those equal */
                    percentileRank: number | null;
                    /** @description previous campaigns with a value (non-empty denominator) */
                    sampleSize: number;
                    value: number | null;
                  };
                };
                /** @description false while that much time has not yet passed */
                complete: boolean;
                counts: {
                  botClicks: number;
                  clicked: number;
                  clicks: number;
                  clicksWithin10s: number;
                  conversions: number;
                  converted: number;
                  delivered: number;
                  failed: number;
                  opened: number;
                  optOuts: number;
                  replied: number;
                  sent: number;
                  uninstalls: number;
                };
                /** @description rates this channel cannot report (null in rates), each with the reason; {} when none */
                notReported: {
                  [key: string]: string;
                };
                rates: {
                  clickToOpenRate: number | null;
                  conversionRate: number | null;
                  ctr: number | null;
                  deliveryRate: number | null;
                  openRate: number | null;
                  optOutRate: number | null;
                  replyRate: number | null;
                  uninstallRate: number | null;
                };
              }[];
              kpis: {
                [key: string]: {
                  delta: number | null;
                  median: number | null;
                  p25: number | null;
                  p75: number | null;
                  /** @description 0–100: share of previous below, half of those equal */
                  percentileRank: number | null;
                  /** @description previous campaigns with a value (non-empty denominator) */
                  sampleSize: number;
                  value: number | null;
                };
              };
              /** @description rates this channel cannot report (null in rates), each with the reason; {} when none */
              notReported: {
                [key: string]: string;
              };
              previous: {
                campaignId: string;
                firstEventAt: string | null;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/campaigns/{id}/breakdown': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One campaign's message counts and rates per dimension value (lifetime) */
    get: {
      parameters: {
        query: {
          by:
            | 'channel'
            | 'segment'
            | 'variant'
            | 'sender'
            | 'country'
            | 'hour_of_day'
            | 'day_of_week'
            | 'error_code'
            | 'failure_class'
            | 'carrier';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              by: string;
              campaignId: string;
              groups: {
                /** @description by=failure_class: the raw provider codes under the class, most failures first */
                codes?: {
                  code: string;
                  failed: number;
                }[];
                counts: {
                  botClicks: number;
                  clicked: number;
                  clicks: number;
                  clicksWithin10s: number;
                  conversions: number;
                  converted: number;
                  delivered: number;
                  failed: number;
                  opened: number;
                  optOuts: number;
                  replied: number;
                  sent: number;
                  uninstalls: number;
                };
                /** @description rates this channel cannot report (null in rates), each with the reason; {} when none */
                notReported: {
                  [key: string]: string;
                };
                rates: {
                  clickToOpenRate: number | null;
                  conversionRate: number | null;
                  ctr: number | null;
                  deliveryRate: number | null;
                  openRate: number | null;
                  optOutRate: number | null;
                  replyRate: number | null;
                  uninstallRate: number | null;
                };
                value: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/campaigns/{id}/experiment': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Variants against the control variant, messaged against held out: always-valid intervals */
    get: {
      parameters: {
        query?: {
          /** @description the control variant; the first by name when absent */
          control?: string;
          /** @description relative effect the sample still needed is for (0.1 = 10 % of the control) */
          effect?: number;
          /** @description confidence level in (0.5, 0.999); the tenant's when absent */
          level?: number;
          /** @description one metric; all when absent */
          metric?:
            | 'deliveryRate'
            | 'ctr'
            | 'conversionRate'
            | 'optOutRate'
            | 'replyRate'
            | 'revenuePerDelivered'
            | 'revenuePerRecipient';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              campaignId: string;
              /** @description each variant against the control variant */
              comparisons: {
                /** @description the control variant, or "holdout" */
                against: string;
                /** @description the arm compared (a variant, or "messaged") */
                arm: string;
                control: {
                  n: number;
                  value: number;
                };
                /** @description revenue metrics: the currency */
                currency: string | null;
                /** @description arm − control, with its always-valid interval at `level` */
                difference: {
                  estimate: number;
                  lower: number;
                  upper: number;
                };
                /** @description opt-outs: fewer is better */
                lowerIsBetter: boolean;
                metric: string;
                /** @description always-valid p-value of "no difference" */
                pValue: number;
                /** @description (arm − control) / control; null when control is 0 */
                relative: {
                  estimate: number;
                  lower: number;
                  upper: number;
                } | null;
                /** @description while the verdict is "not yet"; null when it cannot be said yet */
                sampleNeeded: {
                  /** @description the effect (metric units) the interval must tell from none */
                  effect: number;
                  /** @description observations still to come */
                  more: number;
                  /** @description observations in both arms at which it can */
                  total: number;
                } | null;
                treatment: {
                  n: number;
                  value: number;
                };
                /** @enum {string} */
                verdict: 'better' | 'worse' | 'not yet';
              }[];
              /** @description the control variant */
              control: string | null;
              /** @description relative effect the sample estimates are for (0.1 = 10 % of control) */
              effect: number;
              /** @description variants whose opt-out rate is above the control’s, whatever the primary metric says */
              guardrails: {
                /** @description the control variant, or "holdout" */
                against: string;
                /** @description the arm compared (a variant, or "messaged") */
                arm: string;
                control: {
                  n: number;
                  value: number;
                };
                /** @description revenue metrics: the currency */
                currency: string | null;
                /** @description arm − control, with its always-valid interval at `level` */
                difference: {
                  estimate: number;
                  lower: number;
                  upper: number;
                };
                /** @description opt-outs: fewer is better */
                lowerIsBetter: boolean;
                metric: string;
                /** @description always-valid p-value of "no difference" */
                pValue: number;
                /** @description (arm − control) / control; null when control is 0 */
                relative: {
                  estimate: number;
                  lower: number;
                  upper: number;
                } | null;
                /** @description while the verdict is "not yet"; null when it cannot be said yet */
                sampleNeeded: {
                  /** @description the effect (metric units) the interval must tell from none */
                  effect: number;
                  /** @description observations still to come */
                  more: number;
                  /** @description observations in both arms at which it can */
                  total: number;
                } | null;
                treatment: {
                  n: number;
                  value: number;
                };
                /** @enum {string} */
                verdict: 'better' | 'worse' | 'not yet';
              }[];
              holdout: {
                /** @description messaged against held out */
                comparisons: {
                  /** @description the control variant, or "holdout" */
                  against: string;
                  /** @description the arm compared (a variant, or "messaged") */
                  arm: string;
                  control: {
                    n: number;
                    value: number;
                  };
                  /** @description revenue metrics: the currency */
                  currency: string | null;
                  /** @description arm − control, with its always-valid interval at `level` */
                  difference: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  };
                  /** @description opt-outs: fewer is better */
                  lowerIsBetter: boolean;
                  metric: string;
                  /** @description always-valid p-value of "no difference" */
                  pValue: number;
                  /** @description (arm − control) / control; null when control is 0 */
                  relative: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  } | null;
                  /** @description while the verdict is "not yet"; null when it cannot be said yet */
                  sampleNeeded: {
                    /** @description the effect (metric units) the interval must tell from none */
                    effect: number;
                    /** @description observations still to come */
                    more: number;
                    /** @description observations in both arms at which it can */
                    total: number;
                  } | null;
                  treatment: {
                    n: number;
                    value: number;
                  };
                  /** @enum {string} */
                  verdict: 'better' | 'worse' | 'not yet';
                }[];
                /** @description recipients held out and also messaged by it: counted as messaged */
                conflicts: number;
                /** @description converted / heldOut */
                conversionRate: number | null;
                conversions: number;
                /** @description held-out recipients with a conversion attributed to the control arm */
                converted: number;
                /** @description recipients held out of the campaign (its control arm) */
                heldOut: number;
                incremental: {
                  /** @description (messaged − held-out rate) × sent */
                  conversions: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  } | null;
                  revenue: {
                    [key: string]: {
                      estimate: number;
                      lower: number;
                      upper: number;
                    };
                  };
                };
                messaged: {
                  /** @description converted / sent */
                  conversionRate: number | null;
                  converted: number;
                  revenue: {
                    [key: string]: {
                      perRecipient: number | null;
                      total: number;
                    };
                  };
                  /** @description messages sent (one per messaged recipient, as campaigns send) */
                  sent: number;
                };
                revenue: {
                  [key: string]: number;
                };
                /** @description held-out arm: revenue / heldOut */
                revenuePerRecipient: {
                  [key: string]: number | null;
                };
              } | null;
              level: number;
              method: string;
              /** @description the metric asked for; null = all */
              metric: string | null;
              /** @description why there is nothing to compare, when there is not */
              reason: string | null;
              /** @description total observations at which the intervals are tightest (fixed in advance) */
              tuneAt: number;
              /** @description messages sent without a variant (in no variant arm) */
              unassigned: number;
              variants: {
                control: boolean;
                counts: {
                  clicked: number;
                  converted: number;
                  delivered: number;
                  /** @description messages with an attributed opt-out */
                  optedOut: number;
                  replied: number;
                  sent: number;
                };
                rates: {
                  conversionRate: number | null;
                  ctr: number | null;
                  deliveryRate: number | null;
                  optOutRate: number | null;
                  replyRate: number | null;
                };
                revenue: {
                  [key: string]: {
                    perDelivered: number | null;
                    total: number;
                  };
                };
                variant: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/campaigns/{id}/kpis': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One campaign's KPIs, lifetime or of a rolling window, optionally of some sends only */
    get: {
      parameters: {
        query?: {
          /** @description message counts of these sends only */
          channel?: 'sms' | 'whatsapp' | 'push' | 'in_app';
          /** @description message counts of these sends only */
          segment?: string;
          /** @description message counts of these sends only */
          variant?: string;
          window?: 'all' | '5m' | '15m' | '1h' | '24h';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              campaignId: string;
              channel: string | null;
              counts: {
                botClicks: number;
                clicked: number;
                clicks: number;
                clicksWithin10s: number;
                conversions: number;
                converted: number;
                delivered: number;
                failed: number;
                opened: number;
                optOuts: number;
                replied: number;
                sent: number;
                uninstalls: number;
              };
              engagementDuration: {
                count: number;
                meanMs: number | null;
              } | null;
              featureAdoption: {
                adopters: number;
                openers: number;
                rate: number | null;
              } | null;
              filter: {
                channel?: string;
                /**
                 * @description lifetime counts (window=all) or the first-occurrences of the rolling window
                 * @enum {string}
                 */
                scope: 'lifetime' | 'window';
                segment?: string;
                variant?: string;
              } | null;
              firstEventAt: string | null;
              /** @description 0 when the aggregator has applied every accepted event; else how long the oldest accepted but not yet applied event has waited (ms). Null when unknown. */
              freshnessMs: number | null;
              /** @description the holdout arm (lifetime); null without one */
              holdout: {
                /** @description recipients held out and also messaged by it: counted as messaged */
                conflicts: number;
                /** @description converted / heldOut */
                conversionRate: number | null;
                conversions: number;
                /** @description held-out recipients with a conversion attributed to the control arm */
                converted: number;
                /** @description recipients held out of the campaign (its control arm) */
                heldOut: number;
                revenue: {
                  [key: string]: number;
                };
              } | null;
              /** @description accepted events not yet applied, null when unknown */
              lagEvents: number | null;
              money: {
                cost: {
                  [key: string]: number;
                };
                costPerConversion: {
                  [key: string]: number | null;
                };
                revenue: {
                  [key: string]: number;
                };
                roi: {
                  [key: string]: number | null;
                };
              } | null;
              /** @description rates this channel cannot report (null in rates), each with the reason; {} when none */
              notReported: {
                [key: string]: string;
              };
              rates: {
                clickToOpenRate: number | null;
                conversionRate: number | null;
                ctr: number | null;
                deliveryRate: number | null;
                openRate: number | null;
                optOutRate: number | null;
                replyRate: number | null;
                uninstallRate: number | null;
              };
              responseTime: {
                count: number;
                medianMs: number | null;
                p90Ms: number | null;
              } | null;
              satisfaction: {
                count: number;
                mean: number | null;
              } | null;
              window: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/campaigns/{id}/timeseries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A count of one campaign per minute or hour of event time */
    get: {
      parameters: {
        query: {
          bucket?: '1m' | '1h';
          /** @description default: the campaign’s first event */
          from?: string;
          metric:
            | 'sent'
            | 'delivered'
            | 'failed'
            | 'opened'
            | 'clicked'
            | 'clicks'
            | 'botClicks'
            | 'clicksWithin10s'
            | 'replied'
            | 'converted'
            | 'conversions'
            | 'optOuts'
            | 'uninstalls';
          /** @description default: now */
          to?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              bucket: string;
              campaignId: string;
              from: string;
              metric: string;
              points: {
                t: string;
                value: number;
              }[];
              to: string;
              total: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/campaigns/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Campaigns' headline figures, pushed when they change (text/event-stream) */
    get: {
      parameters: {
        query: {
          /** @description comma-separated campaign ids, at most 50 */
          ids: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/deliverability': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Why delivery is low: failures by class, carrier, country and provider, across campaigns */
    get: {
      parameters: {
        query?: {
          channel?: 'sms' | 'whatsapp' | 'push' | 'in_app';
          days?: number;
          /** @description smallest sample for the worst carriers / countries */
          minSent?: number;
          provider?: 'twilio' | 'whatsapp' | 'vonage' | 'infobip' | 'api';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              /** @description by MCC-MNC (Vonage and Infobip report it) */
              byCarrier: {
                /** @description failed messages by failure class */
                byClass: {
                  [key: string]: number;
                };
                delivered: number;
                /** @description delivered / sent */
                deliveryRate: number | null;
                failed: number;
                /** @description failed / sent */
                failureRate: number | null;
                /** @description a carrier's operator (mcc-mnc-list); null otherwise */
                name: string | null;
                sent: number;
                /** @description 'unknown' when not reported */
                value: string;
              }[];
              byClass: {
                failed: number;
                /** @enum {string} */
                failureClass:
                  | 'invalid_number'
                  | 'not_capable'
                  | 'unreachable'
                  | 'carrier_filtered'
                  | 'blocked_or_opted_out'
                  | 'registration'
                  | 'rate_limited'
                  | 'policy'
                  | 'expired'
                  | 'other';
                permanent: number;
                /** @description of all failures */
                share: number | null;
              }[];
              byCountry: {
                /** @description failed messages by failure class */
                byClass: {
                  [key: string]: number;
                };
                delivered: number;
                /** @description delivered / sent */
                deliveryRate: number | null;
                failed: number;
                /** @description failed / sent */
                failureRate: number | null;
                /** @description a carrier's operator (mcc-mnc-list); null otherwise */
                name: string | null;
                sent: number;
                /** @description 'unknown' when not reported */
                value: string;
              }[];
              byProvider: {
                /** @description failed messages by failure class */
                byClass: {
                  [key: string]: number;
                };
                delivered: number;
                /** @description delivered / sent */
                deliveryRate: number | null;
                failed: number;
                /** @description failed / sent */
                failureRate: number | null;
                /** @description a carrier's operator (mcc-mnc-list); null otherwise */
                name: string | null;
                sent: number;
                /** @description 'unknown' when not reported */
                value: string;
              }[];
              channel: string | null;
              days: number;
              /** @description first UTC day (YYYY-MM-DD) */
              from: string;
              provider: string | null;
              to: string;
              totals: {
                /** @description failed messages by failure class */
                byClass: {
                  [key: string]: number;
                };
                delivered: number;
                /** @description delivered / sent */
                deliveryRate: number | null;
                failed: number;
                /** @description failed / sent */
                failureRate: number | null;
                permanentFailures: number;
                /** @description permanent failures / failures: list quality */
                permanentShare: number | null;
                sent: number;
              };
              /** @description one entry per UTC day */
              trend: {
                /** @description failed messages by failure class */
                byClass: {
                  [key: string]: number;
                };
                date: string;
                delivered: number;
                /** @description delivered / sent */
                deliveryRate: number | null;
                failed: number;
                /** @description failed / sent */
                failureRate: number | null;
                sent: number;
              }[];
              worst: {
                carriers: {
                  failed: number;
                  failureRate: number | null;
                  /** @description Wilson 95 % of failureRate */
                  interval: {
                    lower: number;
                    upper: number;
                  } | null;
                  name: string | null;
                  /** @description the sample size */
                  sent: number;
                  topClass: string | null;
                  value: string;
                }[];
                countries: {
                  failed: number;
                  failureRate: number | null;
                  /** @description Wilson 95 % of failureRate */
                  interval: {
                    lower: number;
                    upper: number;
                  } | null;
                  name: string | null;
                  /** @description the sample size */
                  sent: number;
                  topClass: string | null;
                  value: string;
                }[];
                minSent: number;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/experiment-settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant's experiment settings: default level, global control group share */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              globalControl: {
                /** @description share of recipients held out of every campaign (0 = none) */
                share: number;
              };
              /** @description default confidence level of the experiment routes */
              level: number;
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    /** Set the default level and/or the global control group share (omitted: unchanged) */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            globalControl?: {
              /** @description share of recipients held out of every campaign, 0 to 0.5; raising it only adds members */
              share: number;
            };
            /** @description confidence level in (0.5, 0.999) */
            level?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              globalControl: {
                /** @description share of recipients held out of every campaign (0 = none) */
                share: number;
              };
              /** @description default confidence level of the experiment routes */
              level: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/hygiene': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The list-hygiene feed: recipients to stop sending to, paged or as CSV */
    get: {
      parameters: {
        query?: {
          cursor?: string;
          days?: number;
          limit?: number;
          /** @description unreachable failures that list a recipient */
          unreachableRepeat?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              nextCursor: string | null;
              rows: {
                at: string;
                /** @description the reason: a failure class, or opted_out */
                failureClass: string;
                /** @description the provider's id of the message that listed it */
                messageId: string | null;
                permanent: boolean;
                provider: string | null;
                /** @description Tally's pseudonym of the recipient */
                recipientId: string;
                /** @description unreachable failures since the last opt-in */
                unreachable: number;
              }[];
              total: number;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/hygiene.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The whole list-hygiene feed as CSV (RFC 4180) */
    get: {
      parameters: {
        query?: {
          days?: number;
          /** @description unreachable failures that list a recipient */
          unreachableRepeat?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description text/csv: recipientId,failureClass,permanent,messageId,provider,at,unreachable */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': string;
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/notification-channels': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant's notification channels (no secrets) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              channels: {
                createdAt: string;
                hasSecret: boolean;
                id: string;
                /** @enum {string} */
                kind: 'webhook' | 'slack' | 'pagerduty' | 'pause_webhook';
                name: string;
                url: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    /** Add a webhook, Slack, PagerDuty or pause-webhook channel */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json':
            | {
                /** @enum {string} */
                kind: 'webhook';
                name: string;
                secret?: string;
                /** Format: uri */
                url: string;
              }
            | {
                /** @enum {string} */
                kind: 'pause_webhook';
                name: string;
                secret?: string;
                /** Format: uri */
                url: string;
              }
            | {
                /** @enum {string} */
                kind: 'slack';
                name: string;
                /** Format: uri */
                url: string;
              }
            | {
                /** @enum {string} */
                kind: 'pagerduty';
                name: string;
                routingKey: string;
                /** Format: uri */
                url?: string;
              };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              channel: {
                createdAt: string;
                hasSecret: boolean;
                id: string;
                /** @enum {string} */
                kind: 'webhook' | 'slack' | 'pagerduty' | 'pause_webhook';
                name: string;
                url: string;
              };
              signingSecret?: string;
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/notification-channels/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove a channel (its pending deliveries go with it) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/send-time': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A rate by hour of week of the send, across campaigns, with the best hours */
    get: {
      parameters: {
        query?: {
          /** @description compare the best hour with the hour this campaign was sent at */
          campaignId?: string;
          channel?: 'sms' | 'whatsapp' | 'push' | 'in_app';
          metric?: 'ctr' | 'conversionRate' | 'replyRate' | 'openRate';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              best: {
                dayOfWeek: number;
                hour: number;
                /** @description Wilson 95% */
                interval: {
                  lower: number;
                  upper: number;
                } | null;
                rate: number | null;
                successes: number;
                /** @description delivered messages sent in that hour */
                trials: number;
              }[];
              /** @description 168 cells, Sunday 00:00 UTC first */
              cells: {
                dayOfWeek: number;
                hour: number;
                /** @description Wilson 95% */
                interval: {
                  lower: number;
                  upper: number;
                } | null;
                rate: number | null;
                successes: number;
                /** @description delivered messages sent in that hour */
                trials: number;
              }[];
              channel: string | null;
              /** @description null while nothing was sent */
              comparison: {
                /** @description the hour it was sent at (most sends); the tenant's usual without campaignId */
                actual: {
                  dayOfWeek: number;
                  hour: number;
                  successes: number;
                  trials: number;
                };
                best: {
                  dayOfWeek: number;
                  hour: number;
                  successes: number;
                  trials: number;
                };
                campaignId: string | null;
                /** @description best hour against actual: always-valid interval */
                comparison: {
                  /** @description the control variant, or "holdout" */
                  against: string;
                  /** @description the arm compared (a variant, or "messaged") */
                  arm: string;
                  control: {
                    n: number;
                    value: number;
                  };
                  /** @description revenue metrics: the currency */
                  currency: string | null;
                  /** @description arm − control, with its always-valid interval at `level` */
                  difference: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  };
                  /** @description opt-outs: fewer is better */
                  lowerIsBetter: boolean;
                  metric: string;
                  /** @description always-valid p-value of "no difference" */
                  pValue: number;
                  /** @description (arm − control) / control; null when control is 0 */
                  relative: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  } | null;
                  /** @description while the verdict is "not yet"; null when it cannot be said yet */
                  sampleNeeded: {
                    /** @description the effect (metric units) the interval must tell from none */
                    effect: number;
                    /** @description observations still to come */
                    more: number;
                    /** @description observations in both arms at which it can */
                    total: number;
                  } | null;
                  treatment: {
                    n: number;
                    value: number;
                  };
                  /** @enum {string} */
                  verdict: 'better' | 'worse' | 'not yet';
                } | null;
                /** @description the tenant's confidence level */
                level: number;
                reason: string | null;
              } | null;
              metric: string;
              /** @description the metric, when some campaigns’ sends could not report it and were left out of the cells */
              notReported: {
                [key: string]: string;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/silences': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Silences that have not ended */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              silences: {
                createdAt: string;
                endsAt: string;
                id: string;
                reason: string | null;
                scope: {
                  id: string;
                  /** @enum {string} */
                  kind: 'campaign' | 'sender';
                };
                startsAt: string;
              }[];
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    /** Silence a campaign or sender until endsAt */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** Format: date-time */
            endsAt: string;
            reason?: string;
            scope: {
              id: string;
              /** @enum {string} */
              kind: 'campaign' | 'sender';
            };
            /** Format: date-time */
            startsAt?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              silence: {
                createdAt: string;
                endsAt: string;
                id: string;
                reason: string | null;
                scope: {
                  id: string;
                  /** @enum {string} */
                  kind: 'campaign' | 'sender';
                };
                startsAt: string;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/silences/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** End a silence now */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/value': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Messaging-attributed revenue per recipient and per conversion (lifetime) */
    get: {
      parameters: {
        query?: {
          channel?: 'sms' | 'whatsapp' | 'push' | 'in_app';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              asOf: string;
              campaigns: number;
              channel: string | null;
              conversions: number;
              convertedMessages: number;
              /** @description revenue of conversions with a known recipient */
              convertingRecipientRevenue: {
                [key: string]: number;
              };
              /** @description recipients with an attributed conversion */
              convertingRecipients: number;
              globalControl: {
                comparisons: {
                  /** @description the control variant, or "holdout" */
                  against: string;
                  /** @description the arm compared (a variant, or "messaged") */
                  arm: string;
                  control: {
                    n: number;
                    value: number;
                  };
                  /** @description revenue metrics: the currency */
                  currency: string | null;
                  /** @description arm − control, with its always-valid interval at `level` */
                  difference: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  };
                  /** @description opt-outs: fewer is better */
                  lowerIsBetter: boolean;
                  metric: string;
                  /** @description always-valid p-value of "no difference" */
                  pValue: number;
                  /** @description (arm − control) / control; null when control is 0 */
                  relative: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  } | null;
                  /** @description while the verdict is "not yet"; null when it cannot be said yet */
                  sampleNeeded: {
                    /** @description the effect (metric units) the interval must tell from none */
                    effect: number;
                    /** @description observations still to come */
                    more: number;
                    /** @description observations in both arms at which it can */
                    total: number;
                  } | null;
                  treatment: {
                    n: number;
                    value: number;
                  };
                  /** @enum {string} */
                  verdict: 'better' | 'worse' | 'not yet';
                }[];
                /** @description targeted recipients in the global control group */
                control: {
                  conversionRate: number | null;
                  conversions: number;
                  /** @description recipients with any conversion (attributed or not) */
                  converting: number;
                  recipients: number;
                  revenuePerRecipient: {
                    [key: string]: number | null;
                  };
                };
                /** @description converting recipients messaging added */
                incrementalConversions: {
                  estimate: number;
                  lower: number;
                  upper: number;
                } | null;
                /** @description revenue messaging added, per currency */
                incrementalRevenue: {
                  [key: string]: {
                    estimate: number;
                    lower: number;
                    upper: number;
                  };
                };
                level: number;
                share: number;
                /** @description targeted recipients outside it */
                treated: {
                  conversionRate: number | null;
                  conversions: number;
                  /** @description recipients with any conversion (attributed or not) */
                  converting: number;
                  recipients: number;
                  revenuePerRecipient: {
                    [key: string]: number | null;
                  };
                };
              } | null;
              reachedRecipients: number;
              /** @description repeatConverters / convertingRecipients */
              repeatConversionRate: number | null;
              /** @description of those, recipients with two or more */
              repeatConverters: number;
              revenue: {
                [key: string]: number;
              };
              revenuePerConversion: {
                [key: string]: number | null;
              };
              revenuePerConvertingRecipient: {
                [key: string]: number | null;
              };
              revenuePerReachedRecipient: {
                [key: string]: number | null;
              };
            };
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              error: {
                code: string;
                details?: unknown;
                message: string;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
