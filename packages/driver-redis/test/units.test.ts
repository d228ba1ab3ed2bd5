import { DEFAULT_MAX_ATTEMPTS, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { clientErrorText } from '../src/client-error-text.js';
import { resolveTarget } from '../src/connection.js';
import { RedisOutcomeUnknownError } from '../src/errors.js';
import { idsAscending } from '../src/id-order.js';
import { hashFromPairs, OMITTED_MAX_ATTEMPTS, parseJobHash } from '../src/job-hash.js';
import { KeySpace } from '../src/keys.js';
import { decodeListCursor, encodeListCursor } from '../src/list-cursor.js';
import { msToNano, nanoToMs } from '../src/nano.js';

describe('target resolution', () => {
  it('url_gives_host_port_credentials_db_and_tls', () => {
    expect(resolveTarget({ url: 'rediss://app:s%40cret@cache.example:6380/3' }, {})).toEqual({
      host: 'cache.example',
      port: 6380,
      username: 'app',
      password: 's@cret',
      db: 3,
      tls: true,
      description: 'rediss://app:***@cache.example:6380/3',
    });
  });

  it('an_explicit_db_wins_over_the_url_db', () => {
    expect(resolveTarget({ url: 'redis://127.0.0.1:6379/2', db: 14 }, {}).db).toBe(14);
  });

  it('env_redis_url_comes_before_redis_addr_and_localhost_is_last', () => {
    expect(resolveTarget({}, { REDIS_URL: 'redis://a:1', REDIS_ADDR: 'b:2' })).toMatchObject({ host: 'a', port: 1 });
    expect(resolveTarget({}, { REDIS_ADDR: 'b:2' })).toMatchObject({ host: 'b', port: 2, tls: false });
    expect(resolveTarget({}, {})).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(resolveTarget({ addr: '[::1]:7000' }, {})).toMatchObject({ host: '::1', port: 7000 });
  });

  it('bad_addresses_and_dbs_are_validation_errors', () => {
    expect(() => resolveTarget({ url: 'http://x' }, {})).toThrow(ValidationError);
    expect(() => resolveTarget({ url: 'not a url' }, {})).toThrow(ValidationError);
    expect(() => resolveTarget({ url: 'redis://x/abc' }, {})).toThrow(ValidationError);
    expect(() => resolveTarget({ addr: 'x:1', db: -1 }, {})).toThrow(ValidationError);
  });
});

describe('nanosecond strings', () => {
  it('round_trip_milliseconds_exactly_across_the_contract_range', () => {
    for (const ms of [0, 1, 999, 1_700_000_000_123, 9_999_999_999_999]) expect(nanoToMs(msToNano(ms), 'f')).toBe(ms);
    expect(msToNano(1_700_000_000_123)).toBe('1700000000123000000');
  });

  it('sub_millisecond_values_written_by_the_go_driver_round_down', () => {
    expect(nanoToMs('1700000000123999999', 'f')).toBe(1_700_000_000_123);
    expect(nanoToMs('999999', 'f')).toBe(0);
    expect(() => nanoToMs('1.5e18', 'f')).toThrow(/nanosecond/);
  });
});

describe('keys and records', () => {
  it('every_key_of_a_queue_carries_the_queue_as_hash_tag', () => {
    const keys = new KeySpace('taskharbor').queue('default');
    for (const key of [keys.ready, keys.scheduled, keys.inflight, keys.done, keys.dlq, keys.index, keys.signal, keys.job('01J'), keys.idempotency('k')]) {
      expect(key.startsWith('taskharbor:{default}:')).toBe(true);
    }
    expect(keys.job('01J')).toBe('taskharbor:{default}:job:01J');
  });

  it('a_hash_written_by_the_go_seed_without_reclaims_reads_as_zero_reclaims', () => {
    const pairs = ['type', 'email', 'queue', 'default', 'payload', '{}', 'status', 'ready', 'created_at_nano', '1700000000000123456', 'attempts', '0', 'max_attempts', '5'];
    const record = parseJobHash('id-1', 'default', hashFromPairs(pairs.map((value) => Buffer.from(value))));
    expect(record).toMatchObject({ id: 'id-1', reclaims: 0, createdAt: 1_700_000_000_000, maxAttempts: 5, status: 'ready' });
  });

  it('a_version_5_hash_takes_its_queue_from_the_caller_and_reads_an_absent_max_attempts_as_the_default', () => {
    const pairs = ['type', 'email', 'payload', '{}', 'status', 'ready', 'created_at_nano', '1700000000000123456'];
    const record = parseJobHash('id-1', 'mail', hashFromPairs(pairs.map((value) => Buffer.from(value))));
    expect(record).toMatchObject({ id: 'id-1', queue: 'mail', maxAttempts: DEFAULT_MAX_ATTEMPTS, attempts: 0, status: 'ready' });
    // The value a hash leaves out is fixed by the data model; it saves memory only while it is core's default.
    expect(OMITTED_MAX_ATTEMPTS).toBe(DEFAULT_MAX_ATTEMPTS);
  });

  it('list_cursors_round_trip_and_foreign_ones_are_refused', () => {
    expect(decodeListCursor(encodeListCursor('01JABC'))).toBe('01JABC');
    for (const bad of ['', 'nope', Buffer.from('{"v":2,"after":"x"}').toString('base64url')]) {
      expect(() => decodeListCursor(bad)).toThrow(ValidationError);
    }
  });
});

describe('ioredis failures in TaskHarbor words', () => {
  it('a_reply_parser_failure_loses_the_request_to_report_it_and_keeps_its_detail', () => {
    const parser = new Error('Protocol error, got "x" as reply type byte. Please report this.');
    expect(clientErrorText(parser)).toBe('the reply from Redis could not be read (Protocol error, got "x" as reply type byte), so the connection was reset');
    const error = new RedisOutcomeUnknownError('ack on queue q', parser);
    expect(error.message).not.toContain('Please report this');
    expect(error.cause).toBe(parser);
  });

  it('a_closed_connection_and_other_messages', () => {
    expect(clientErrorText(new Error('Connection is closed.'))).toBe('the connection to Redis is closed');
    expect(clientErrorText(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(clientErrorText('text')).toBe('text');
  });
});

describe('idsAscending', () => {
  it('answers true only for ids strictly ascending in byte order', () => {
    expect(idsAscending([])).toBe(true);
    expect(idsAscending(['a'])).toBe(true);
    expect(idsAscending(['01A', '01B', 'a', 'a0', 'b'])).toBe(true);
    expect(idsAscending(['b', 'a'])).toBe(false);
    expect(idsAscending(['a', 'a'])).toBe(false);
    // Upper case sorts before lower case by bytes, whatever a locale says.
    expect(idsAscending(['Z', 'a'])).toBe(true);
    expect(idsAscending(['a', 'Z'])).toBe(false);
  });

  it('answers false when a character beyond U+FFFF is involved, where UTF-16 order and byte order part', () => {
    // U+FF5E sorts after U+1F600 in UTF-16 code units but before it in UTF-8 bytes.
    expect('\u{1F600}' < '\uFF5E').toBe(true);
    expect(Buffer.compare(Buffer.from('\u{1F600}'), Buffer.from('\uFF5E'))).toBe(1);
    expect(idsAscending(['\u{1F600}', '\uFF5E'])).toBe(false);
    expect(idsAscending(['a', 'b\u{1F600}'])).toBe(false);
  });
});
