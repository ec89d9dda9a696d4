// isWireRecordText (the hub's check of a row in its text) against the slow check it stands in for: JSON.parse,
// then wireValueProblem on every member. It may answer false for a valid row (the caller then parses), never
// true for a row the slow check refuses.
import { describe, expect, it } from 'vitest';
import { isWireRecordText, wireValueProblem } from '../../src/changes/index.js';
import { mutants, rng } from '../helpers/random.js';

/** The slow check: what the hub did for every row before, and still does when the text check is not sure. */
function slowCheck(text: string): boolean {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return false;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return false;
  return Object.values(record).every((value) => wireValueProblem(value) === undefined);
}

describe('isWireRecordText', () => {
  it('vouches for the rows the SDK writes', () => {
    for (const text of [
      '{}',
      '{"id":{"$int":"1"},"name":"企业名称-1","code":"CODE0000000001","amount":{"$dec":"1000.01"},"born":{"$date":"1990-01-01"},"active":false,"created_at":{"$ts":"2026-01-01T00:00:01.000Z"},"updated_at":{"$ts":"2026-01-01T08:00:00.123456789+08:00"}}',
      '{"n":-0.5,"z":0,"big":12345678901234567890,"none":null,"yes":true,"list":[1,"二",{"$int":"-3"}],"empty":[]}',
      '{"quote":"a \\"b\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u4e2d","lone":"\\ud800","local":{"$ts":"2026-11-26T08:00:00"}}',
      ' { "spaced" : { "$date" : "2026-11-26" } , "x" : [ 1 , 2 ] } ',
      '{"__proto__":{"$int":"1"},"a":1,"a":"again"}',
    ]) {
      expect([text, isWireRecordText(text)]).toEqual([text, true]);
      expect(slowCheck(text)).toBe(true);
    }
  });

  it('leaves the valid rows it cannot judge by pattern to the slow check', () => {
    for (const text of [
      '{"e":1e3}',
      '{"e":1.5E-7}',
      '{"bin":{"$bin":"AQID"}}',
      '{"f":{"$float":"NaN"}}',
      '{"o":{"$obj":{"a":1}}}',
      '{"escaped tag":{"\\u0024int":"1"}}',
      '{"nested":[[1]]}',
      '{"dec":{"$dec":" 1.5 "}}',
      `{"long":${'9'.repeat(301)}}`,
    ]) {
      expect([text, isWireRecordText(text)]).toEqual([text, false]);
      expect([text, slowCheck(text)]).toEqual([text, true]);
    }
  });

  it('refuses rows that are not valid', () => {
    for (const text of [
      '',
      '[]',
      '"row"',
      'null',
      '{"a":1',
      '{"a":1}x',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":-}',
      '{"a":+1}',
      '{"a":"tab\there"}',
      '{"a":"\\x"}',
      '{"a":"\\u12"}',
      '{"a":undefined}',
      '{"a":NaN}',
      '{"a":1e400}',
      '{"a":{}}',
      '{"a":{"$int":"1.5"}}',
      '{"a":{"$int":1}}',
      '{"a":{"$int":"1","$dec":"1"}}',
      '{"a":{"$ts":"2026-11-26 08:00:00"}}',
      '{"a":{"$ts":"2026-11-26T08:00:00.1234567890Z"}}',
      '{"a":{"$date":"2026-1-26"}}',
      '{"a":{"$dec":"1e5"}}',
      '{"a":{"$unknown":"1"}}',
      '{"a":{"plain":"object"}}',
      '{"a":[1,]}',
    ]) {
      expect([text, isWireRecordText(text)]).toEqual([text, false]);
    }
  });

  it('never vouches for a row the slow check refuses (random rows and near misses)', () => {
    const r = rng(20261126);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
    const scalars = [
      () => String(Math.floor(r() * 2e6) - 1e6),
      () => (r() * 1e4 - 5e3).toFixed(3),
      () => JSON.stringify(pick(['', '张三', 'a"b', 'line\nbreak', '\\', '\u0001', '\ud83d\ude00'])),
      () => pick(['null', 'true', 'false']),
      () => `{"$int":"${pick(['7', '-12', '99999999999999999999'])}"}`,
      () => `{"$dec":"${pick(['1.50', '-0.01', '12'])}"}`,
      () => `{"$date":"${pick(['2026-11-26', '1990-01-01'])}"}`,
      () =>
        `{"$ts":"${pick(['2026-11-26T08:00:00Z', '2026-11-26T08:00:00.123+08:00', '2026-11-26T08:00:00.123456'])}"}`,
    ];
    const value = (): string => (r() < 0.1 ? `[${pick(scalars)()},${pick(scalars)()}]` : pick(scalars)());
    const space = () => pick(['', '', '', ' ', '\t', '\r\n']);
    const rows: string[] = [];
    for (let i = 0; i < 300; i++) {
      const members = Array.from(
        { length: 1 + Math.floor(r() * 6) },
        (_, m) => `${space()}"c${m}"${space()}:${space()}${value()}${space()}`,
      );
      rows.push(`{${members.join(',')}}`);
    }
    for (const text of rows) expect([text, isWireRecordText(text)]).toEqual([text, true]);

    let vouched = 0;
    for (const text of mutants(rows, '{}[]":,\\u$e.-+0 9Tatn', 20_000, 7)) {
      if (!isWireRecordText(text)) continue;
      vouched++;
      expect([text, slowCheck(text)]).toEqual([text, true]);
    }
    expect(vouched).toBeGreaterThan(rows.length); // some mutants stay valid, and are still recognised
  });

  it('takes linear time on text that fails late', () => {
    const started = performance.now();
    expect(isWireRecordText(`{"a":"${'x'.repeat(1 << 20)}`)).toBe(false);
    expect(isWireRecordText(`{${'"a":[1,{"$int":"2"}],'.repeat(50_000)}`)).toBe(false);
    expect(isWireRecordText(`{"a":${'1'.repeat(100_000)}}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
