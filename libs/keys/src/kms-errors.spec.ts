import { classifyKmsError, exhaustedError } from './kms-errors';

const sdkError = (name: string, message = 'm', status = 400, fault: 'client' | 'server' = 'client') =>
  Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe('classifyKmsError', () => {
  it.each([
    ['NotFoundException', 'kms.key_not_found', 404],
    ['DisabledException', 'kms.key_disabled', 409],
    ['InvalidKeyUsageException', 'kms.wrong_key_spec', 422],
    ['UnsupportedOperationException', 'kms.wrong_key_spec', 422],
    ['AccessDeniedException', 'kms.access_denied', 502],
    ['UnrecognizedClientException', 'kms.access_denied', 502],
    ['ValidationException', 'kms.invalid_request', 400],
  ])('%s → %s, not retried', (name, code, status) => {
    const c = classifyKmsError(sdkError(name), 'k1');
    expect(c.retry).toBe(false);
    expect(c).toMatchObject({ error: { code, status, extra: { keyId: 'k1', awsError: name } } });
  });

  it('tells pending deletion from other invalid states by the message AWS sends', () => {
    expect(classifyKmsError(sdkError('KMSInvalidStateException', 'arn:… is pending deletion.'), 'k')).toMatchObject({
      error: { code: 'kms.key_pending_deletion' },
    });
    expect(classifyKmsError(sdkError('KMSInvalidStateException', 'arn:… is pending import.'), 'k')).toMatchObject({
      error: { code: 'kms.key_invalid_state' },
    });
  });

  it('retries throttling, 5xx, timeouts and network errors', () => {
    expect(classifyKmsError(sdkError('ThrottlingException'), 'k')).toEqual({ retry: 'throttled' });
    expect(classifyKmsError(sdkError('KMSInternalException', 'x', 500, 'server'), 'k')).toEqual({
      retry: 'unavailable',
    });
    expect(classifyKmsError(sdkError('SomethingNew', 'x', 503, 'server'), 'k')).toEqual({ retry: 'unavailable' });
    expect(classifyKmsError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'k')).toEqual({
      retry: 'unavailable',
    });
    expect(classifyKmsError(Object.assign(new Error('r'), { code: 'ECONNREFUSED' }), 'k')).toEqual({
      retry: 'unavailable',
    });
  });

  it('retries a reset socket the SDK wraps in a plain Error, but not a KMS answer that mentions one', () => {
    const wrapped = Object.assign(new Error('AWS SDK error wrapper for TimeoutError: read ECONNRESET'), {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
    expect(classifyKmsError(wrapped, 'k1').retry).toBe('unavailable');
    expect(classifyKmsError(new Error('socket hang up'), 'k1').retry).toBe('unavailable');
    expect(classifyKmsError(sdkError('ValidationException', 'ECONNRESET is not a valid key id'), 'k1').retry).toBe(
      false,
    );
    expect(classifyKmsError(new Error('something else broke'), 'k1').retry).toBe(false);
  });

  it('reports exhausted retries with the attempt count', () => {
    expect(exhaustedError('throttled', 'k', 10, sdkError('ThrottlingException'))).toMatchObject({
      code: 'kms.throttled',
      status: 503,
      extra: { attempts: 10 },
    });
  });
});
