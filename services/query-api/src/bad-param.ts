import { AppError } from '@tally/http';

/** A 400 naming the offending parameter, shaped like the schema validation errors. */
export function badParam(param: string, message: string, where = 'querystring'): AppError {
  const path = `${where}.${param}`;
  return new AppError('invalid_request', `invalid ${where}: ${param}: ${message}`, [{ path, message }]);
}
