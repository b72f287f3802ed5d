import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { StrongroomWebhookError, verifyWebhook, webhookVerifier, type StrongroomWebhookEvent } from './verify-webhook';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const OLD = newSecret();
const NEW = newSecret();

const event: StrongroomWebhookEvent<{ depositId: string; amount: string }> = {
  id: 'evt_01',
  type: 'deposit.credited',
  subject: 'deposit:d-1',
  createdAt: '2026-12-03T10:15:06.123Z',
  data: { depositId: 'd-1', amount: '40000000' },
};
const BODY = JSON.stringify(event);

/** Headers a Standard Webhooks sender puts on a delivery signed with each of `secrets`. */
function deliver(secrets: string[], body = BODY, at = new Date(), id = 'msg_01') {
  const signatures = secrets.map((s) => new Webhook(s).sign(id, at, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StrongroomWebhookError) return err.reason;
    throw err;
  }
  throw new Error('expected the delivery to be refused');
};

describe('verifyWebhook', () => {
  it('returns the event of a delivery signed with the secret', () => {
    expect(verifyWebhook(OLD, BODY, deliver([OLD]))).toEqual(event);
    expect(verifyWebhook(OLD, Buffer.from(BODY), new Headers(deliver([OLD])))).toEqual(event);
  });

  it('accepts any of several secrets during a rotation', () => {
    // Receiver knows both; sender already signs with the new one only.
    expect(verifyWebhook([OLD, NEW], BODY, deliver([NEW])).id).toBe('evt_01');
    // Sender signs with both; receiver already moved to the new one only.
    expect(verifyWebhook([NEW], BODY, deliver([OLD, NEW])).type).toBe('deposit.credited');
    expect(failure(() => verifyWebhook([newSecret()], BODY, deliver([OLD, NEW])))).toBe('bad_signature');
  });

  it('refuses a changed body, a signature of another secret, and a replayed old delivery', () => {
    expect(failure(() => verifyWebhook(OLD, BODY.replace('40000000', '90000000'), deliver([OLD])))).toBe(
      'bad_signature',
    );
    expect(failure(() => verifyWebhook(OLD, BODY, deliver([NEW])))).toBe('bad_signature');
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    expect(failure(() => verifyWebhook(OLD, BODY, deliver([OLD], BODY, tenMinutesAgo)))).toBe('stale_timestamp');
    const inTenMinutes = new Date(Date.now() + 10 * 60_000);
    expect(failure(() => verifyWebhook([NEW, OLD], BODY, deliver([OLD], BODY, inTenMinutes)))).toBe('stale_timestamp');
  });

  it('refuses missing or malformed headers, reading Node-style header records', () => {
    const { 'webhook-signature': _s, ...noSignature } = deliver([OLD]);
    expect(failure(() => verifyWebhook(OLD, BODY, noSignature))).toBe('missing_headers');
    expect(failure(() => verifyWebhook(OLD, BODY, { ...deliver([OLD]), 'webhook-timestamp': 'yesterday' }))).toBe(
      'missing_headers',
    );
    const h = deliver([OLD, NEW]);
    const [first, second] = h['webhook-signature'].split(' ');
    const nodeStyle = {
      'Webhook-Id': h['webhook-id'],
      'webhook-timestamp': [h['webhook-timestamp']],
      'webhook-signature': [first, second],
    };
    expect(verifyWebhook(NEW, BODY, nodeStyle).id).toBe('evt_01');
    expect(failure(() => verifyWebhook(OLD, BODY, { ...h, 'webhook-id': ['a', 'b'] }))).toBe('missing_headers');
  });

  it('refuses a signed body that is not an event', () => {
    expect(failure(() => verifyWebhook(OLD, 'not json', deliver([OLD], 'not json')))).toBe('invalid_payload');
    const noData = JSON.stringify({ ...event, data: undefined });
    expect(failure(() => verifyWebhook(OLD, noData, deliver([OLD], noData)))).toBe('invalid_payload');
  });

  it('says clearly when it is misused: parsed JSON, no secret, a malformed secret', () => {
    expect(() => verifyWebhook(OLD, event as unknown as string, deliver([OLD]))).toThrow(/raw body/);
    expect(() => verifyWebhook([], BODY, deliver([OLD]))).toThrow(/at least one secret/);
    expect(() => webhookVerifier([OLD, 'whsec_'])).toThrow(/secret #2/);
  });
});
