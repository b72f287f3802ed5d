/**
 * An error in the AWS KMS wire shape: HTTP status plus `{"__type": name, "message": …}`.
 * The SDK turns `__type` into its named exception classes (NotFoundException, …), so the
 * names here must be exactly AWS's.
 */
export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const notFound = (message: string) => new KmsError('NotFoundException', message);
export const validation = (message: string) => new KmsError('ValidationException', message);
export const disabled = (message: string) => new KmsError('DisabledException', message);
export const invalidState = (message: string) => new KmsError('KMSInvalidStateException', message);
export const invalidKeyUsage = (message: string) => new KmsError('InvalidKeyUsageException', message);
export const unsupported = (message: string) => new KmsError('UnsupportedOperationException', message);
