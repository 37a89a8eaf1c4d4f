/** The API stage's public surface: what `cli/` and other stages may import. */
export { type BuildOptions, buildApp } from './app.js';
export { sha256Hex } from './auth.js';
export type { ApiDeps } from './deps.js';
export { API_ERRORS, type ApiErrorType, ErrorBody } from './errors.js';
export { startApi } from './server.js';
