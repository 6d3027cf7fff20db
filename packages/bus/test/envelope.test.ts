/** The MSAEz envelope as generated Spring services write it: type, timestamps, keyless records. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromWire, parseTimestamp } from '../src/envelope.ts';

describe('fromWire: what a generated service sends', () => {
  it('takes the type from the body when there is no type header (older generation)', () => {
    // Verbatim from a generated flowerdelivery order (Spring Cloud Stream 2.1, no key).
    const value =
      '{"eventType":"Ordered","timestamp":"20261201154826","id":1,"storeName":"KJSHOP","itemName":"rose","qty":1,"userName":"customer1","itemPrice":null,"orderStatus":null,"me":true}';
    const headers = {
      contentType: '"application/json"',
      spring_json_header_types: '{"contentType":"java.lang.String"}',
    };
    const event = fromWire('flowerdelivery', { key: null, value, headers }, 'flowerdelivery-3-17');
    assert.equal(event.type, 'Ordered');
    assert.equal(event.key, '');
    assert.equal(event.id, 'flowerdelivery-3-17');
    assert.deepEqual(event.data, {
      id: 1,
      storeName: 'KJSHOP',
      itemName: 'rose',
      qty: 1,
      userName: 'customer1',
      itemPrice: null,
      orderStatus: null,
    });
  });

  it('an empty or quoted-empty type header falls back to eventType too', () => {
    for (const type of ['', '""']) {
      const event = fromWire('t', { value: '{"eventType":"Paid","orderId":1}', headers: { type } }, 'f');
      assert.equal(event.type, 'Paid', JSON.stringify(type));
    }
  });

  it('a JSON-quoted type header is unquoted', () => {
    const event = fromWire('t', { value: '{"orderId":1}', headers: { type: '"Paid"' } }, 'f');
    assert.equal(event.type, 'Paid');
  });
});

describe('parseTimestamp: yyyyMMddHHmmss', () => {
  const now = Date.UTC(2026, 11, 1, 7, 0, 0);
  it('reads it in UTC by default', () => {
    assert.equal(parseTimestamp('20261201154826', { now }), Date.UTC(2026, 11, 1, 15, 48, 26));
  });

  it('reads it in the configured zone (the JVM local time of the producer)', () => {
    // 15:48:26 in Seoul (UTC+9) is 06:48:26 UTC.
    assert.equal(
      parseTimestamp('20261201154826', { zone: 'Asia/Seoul', now }),
      Date.UTC(2026, 11, 1, 6, 48, 26),
    );
    // New York in winter (UTC-5) and in summer (UTC-4).
    assert.equal(
      parseTimestamp('20260115120000', { zone: 'America/New_York', now }),
      Date.UTC(2026, 0, 15, 17),
    );
    assert.equal(
      parseTimestamp('20260715120000', { zone: 'America/New_York', now }),
      Date.UTC(2026, 6, 15, 16),
    );
  });

  it('tolerates the week-year pattern YYYY: a late-December date stamped with the next year', () => {
    // SimpleDateFormat("YYYYMMddHHmmss") on 2026-12-29 (in ISO week 1 of 2027) writes 2027.
    const received = Date.UTC(2026, 11, 29, 10, 0, 5);
    assert.equal(parseTimestamp('20271229100000', { now: received }), Date.UTC(2026, 11, 29, 10));
    // …and an early-January date stamped with the previous year (ISO-week locales).
    const january = Date.UTC(2027, 0, 1, 9, 0, 5);
    assert.equal(parseTimestamp('20260101090000', { now: january }), Date.UTC(2027, 0, 1, 9));
    // A correct late-December date received a few days later stays as it is.
    assert.equal(parseTimestamp('20261230100000', { now: Date.UTC(2027, 0, 3) }), Date.UTC(2026, 11, 30, 10));
    // Mid-year dates are never moved.
    assert.equal(parseTimestamp('20270615100000', { now }), Date.UTC(2027, 5, 15, 10));
    // An old event (a replay, a backlog) keeps the year it says, even near the turn of a year.
    assert.equal(
      parseTimestamp('20240102024405', { now: Date.UTC(2026, 11, 1) }),
      Date.UTC(2024, 0, 2, 2, 44, 5),
    );
    assert.equal(
      parseTimestamp('20231230100000', { now: Date.UTC(2026, 11, 1) }),
      Date.UTC(2023, 11, 30, 10),
    );
  });

  it('reads epoch ms, numeric strings and ISO dates as before; anything else is 0', () => {
    assert.equal(parseTimestamp(1700000000000), 1700000000000);
    assert.equal(parseTimestamp('1700000000000'), 1700000000000);
    assert.equal(parseTimestamp('2026-12-01T15:48:26Z'), Date.UTC(2026, 11, 1, 15, 48, 26));
    assert.equal(parseTimestamp(null), 0);
  });

  it('refuses an unknown zone', async () => {
    const { setTimestampZone } = await import('../src/envelope.ts');
    assert.throws(() => setTimestampZone('Mars/Olympus'), RangeError);
  });
});
