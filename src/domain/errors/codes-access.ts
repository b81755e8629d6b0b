import { defineErrors } from './spec.js';

/** Codes of access control and of the HTTP server's own limits (docs/security.md). */
export const ACCESS_ERRORS = defineErrors({
  UNAUTHENTICATED: { httpStatus: 401, retryable: false, summary: 'The store holds API tokens and the request carried none, or one that is unknown, malformed or revoked. Send `Authorization: Bearer <token>`.' },
  FORBIDDEN: { httpStatus: 403, retryable: false, summary: "The token's role may not call this operation; details name the role needed and the token's role." },
  HOST_NOT_ALLOWED: { httpStatus: 421, retryable: false, summary: 'The Host header names another host or port than the one the server is bound to (DNS rebinding); details name the allowed hosts.' },
  CROSS_ORIGIN_REFUSED: { httpStatus: 403, retryable: false, summary: "A write came from a web page of another origin (Origin header, or Sec-Fetch-Site: cross-site); details name the origin. Nothing changed." },
  UNKNOWN_TOKEN: { httpStatus: 404, retryable: false, summary: 'No API token has this id or name; details name it.' },
  TOKEN_NAME_TAKEN: { httpStatus: 409, retryable: false, summary: 'A valid API token already has this name; revoke it or choose another. Nothing was stored.' },
  ATTEMPT_TOKEN_REFUSED: { httpStatus: 403, retryable: false, summary: "A worker's report carried another token than the one its attempt was dispatched with; details name the attempt. Nothing was recorded." },
  INSECURE_BIND: { httpStatus: 400, retryable: false, summary: 'The server was asked to listen on a non-loopback address while the store holds no API token; create one with `arco token create --role admin` first.' },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, retryable: false, summary: 'The request body exceeds the size limit; details name the limit in bytes.' },
  URI_TOO_LONG: { httpStatus: 414, retryable: false, summary: 'The URL (or one of its path parameters) exceeds its length limit; details name the limit. Long SQL fits within it.' },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, retryable: false, summary: 'The request body has a content type other than application/json.' },
  HEADERS_TOO_LARGE: { httpStatus: 431, retryable: false, summary: "The request's headers exceed the size limit; details name the limit in bytes." },
  REQUEST_TIMEOUT: { httpStatus: 408, retryable: true, summary: 'The client sent its request too slowly and the server closed it; nothing was read or changed.' },
  MALFORMED_REQUEST: { httpStatus: 400, retryable: false, summary: 'The request is not valid HTTP, or its URL cannot be decoded; nothing was read or changed.' },
});
