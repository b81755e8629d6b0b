/** One catalogue entry: how an error code is answered over HTTP and whether a retry may help. */
export interface ErrorSpec {
  readonly httpStatus: number;
  readonly retryable: boolean;
  /** One line describing when the code is used; mirrored in docs/errors.md. */
  readonly summary: string;
}

export function defineErrors<const T extends Record<string, ErrorSpec>>(codes: T): T {
  return codes;
}
