import type { z } from 'zod';

export interface FieldIssue {
  path: string;
  message: string;
}

/** zod issues as `{ path: "events.3.occurredAt", message }`, for error bodies that name the field. */
export function describeIssues(error: z.ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join('.') || '(root)',
    message: i.message,
  }));
}
