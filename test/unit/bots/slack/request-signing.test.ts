import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { checkRequestTimestamp, MAX_TIMESTAMP_SKEW_SECONDS } from '../../../../src/bots/slack/request-timestamp.js';
import { signSlackRequest } from '../../../../src/sandbox/slack/sign-request.js';

// Slack's official example (docs.slack.dev/authentication/verifying-requests-from-slack).
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('signSlackRequest', () => {
  it("reproduces Slack's official test vector", () => {
    expect(signSlackRequest(VECTOR.secret, VECTOR.body, VECTOR.timestamp)).toEqual({
      'x-slack-signature': VECTOR.signature,
      'x-slack-request-timestamp': String(VECTOR.timestamp),
    });
  });

  it("produces signatures Bolt's own verifier accepts, and only with the right secret and body", () => {
    const nowMs = VECTOR.timestamp * 1000 + 1000;
    const headers = signSlackRequest(VECTOR.secret, VECTOR.body, VECTOR.timestamp);
    const check = (secret: string, body: string) =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': VECTOR.timestamp },
        nowMilliseconds: nowMs,
      });
    expect(() => check(VECTOR.secret, VECTOR.body)).not.toThrow();
    expect(() => check('another-secret', VECTOR.body)).toThrow(/signature mismatch/);
    expect(() => check(VECTOR.secret, `${VECTOR.body}&x=1`)).toThrow(/signature mismatch/);
  });
});

describe('checkRequestTimestamp (the future side Bolt does not check)', () => {
  const now = 1_700_000_000_000;
  const nowSec = now / 1000;

  it('accepts the present, the past (Bolt judges staleness) and up to 5 minutes ahead', () => {
    expect(checkRequestTimestamp(String(nowSec), now)).toEqual({ ok: true });
    expect(checkRequestTimestamp(String(nowSec - 3600), now)).toEqual({ ok: true });
    expect(checkRequestTimestamp(String(nowSec + MAX_TIMESTAMP_SKEW_SECONDS), now)).toEqual({ ok: true });
  });

  it('rejects more than 5 minutes ahead', () => {
    expect(checkRequestTimestamp(String(nowSec + MAX_TIMESTAMP_SKEW_SECONDS + 1), now)).toEqual({
      ok: false,
      reason: 'future',
    });
    expect(checkRequestTimestamp(String(nowSec + 86_400 * 365), now)).toEqual({ ok: false, reason: 'future' });
  });

  it('rejects malformed or repeated headers', () => {
    for (const bad of [
      '',
      'abc',
      '1e12',
      '-1',
      ' 1700000000',
      '1700000000.5',
      '1700000000, 1700000000',
      '9'.repeat(13),
    ]) {
      expect(checkRequestTimestamp(bad, now)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(checkRequestTimestamp([String(nowSec), String(nowSec)], now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('leaves a missing header to Bolt (ssl_check is unsigned; everything else Bolt rejects)', () => {
    expect(checkRequestTimestamp(undefined, now)).toEqual({ ok: true });
  });
});
