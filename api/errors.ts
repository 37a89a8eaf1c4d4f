import { z } from 'zod';

/** The closed list of error types the API answers with, each with its HTTP status. */
export const API_ERRORS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ApiErrorType = keyof typeof API_ERRORS;

export interface FieldProblem {
  /** Where the field is: query, params, body or headers. */
  in: string;
  field: string;
  message: string;
}

/** A failure the client is told about; anything else becomes a generic 500. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly type: ApiErrorType,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERRORS[type];
  }
}

export const ErrorBody = z
  .strictObject({
    error: z.strictObject({
      type: z.enum(Object.keys(API_ERRORS) as [ApiErrorType, ...ApiErrorType[]]),
      message: z.string().max(1024),
      requestId: z.string().max(64),
      fields: z
        .array(z.strictObject({ in: z.string(), field: z.string(), message: z.string() }))
        .max(20)
        .optional()
        .describe('the bad inputs, for invalid_request'),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Response schemas for a route's documented error statuses, so the OpenAPI document lists each one. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
}
