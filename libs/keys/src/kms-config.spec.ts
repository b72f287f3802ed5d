import { kmsConfigFromEnv } from './kms-config';

describe('kmsConfigFromEnv', () => {
  it('reads endpoint, region, credentials and limits', () => {
    expect(
      kmsConfigFromEnv({
        KMS_ENDPOINT: 'http://127.0.0.1:4599',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
        KMS_REQUESTS_PER_SECOND: 'Infinity',
        KMS_MAX_ATTEMPTS: '5',
      }),
    ).toEqual({
      endpoint: 'http://127.0.0.1:4599',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestsPerSecond: Infinity,
      maxAttempts: 5,
    });
  });

  it('fails fast with a clear message', () => {
    expect(() => kmsConfigFromEnv({})).toThrow(/AWS_REGION is not set/);
    expect(() => kmsConfigFromEnv({ AWS_REGION: 'x', KMS_ENDPOINT: 'not a url' })).toThrow(/KMS_ENDPOINT is not a URL/);
    expect(() => kmsConfigFromEnv({ AWS_REGION: 'x', AWS_ACCESS_KEY_ID: 'a' })).toThrow(/both/);
    expect(() => kmsConfigFromEnv({ AWS_REGION: 'x', KMS_TIMEOUT_MS: 'soon' })).toThrow(/KMS_TIMEOUT_MS/);
  });
});
