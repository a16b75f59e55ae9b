import { describe, expect, it } from 'vitest';
import { isSentinelUrl, sentinelOptions } from '../../src/adapters/redis-sentinel.ts';
import { parseEnv } from '../../src/config/env.ts';

describe('redis+sentinel:// URLs', () => {
  it('lists the Sentinels, the master name, credentials and database', () => {
    const url = 'redis+sentinel://app:s%40cret@10.0.0.1:26379,sentinel-b.internal:26380,[::1]:26381/mymaster/2?sentinelPassword=sp';
    expect(isSentinelUrl(url)).toBe(true);
    expect(sentinelOptions(url)).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b.internal', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      username: 'app',
      password: 's@cret',
      db: 2,
      sentinelPassword: 'sp',
    });
    expect(sentinelOptions('redis+sentinel://127.0.0.1:26379/m')).toEqual({ sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'm' });
  });

  it('refuses malformed URLs with the reason, never echoing the password', () => {
    expect(() => sentinelOptions('redis+sentinel://u:pw@h1:26379')).toThrow(/no master name/);
    expect(() => sentinelOptions('redis+sentinel://u:pw@h1/mymaster')).toThrow(/"h1" is not HOST:PORT/);
    expect(() => sentinelOptions('redis+sentinel://h1:1/m/x')).toThrow(/not a number/);
    try {
      sentinelOptions('redis+sentinel://u:pw@h1/m');
    } catch (err) {
      expect((err as Error).message).not.toContain('pw');
    }
  });

  it('is accepted by the environment schema next to redis:// and rediss://', () => {
    expect(parseEnv({ REDIS_URL: 'redis+sentinel://h1:26379,h2:26379/mymaster' }).REDIS_URL).toBe('redis+sentinel://h1:26379,h2:26379/mymaster');
    expect(parseEnv({ REDIS_URL: 'rediss://h:6380' }).REDIS_URL).toBe('rediss://h:6380');
    expect(() => parseEnv({ REDIS_URL: 'redis+sentinel://h1/mymaster' })).toThrow(/REDIS_URL/);
    expect(() => parseEnv({ REDIS_URL: 'http://h:6379' })).toThrow(/REDIS_URL/);
  });
});
