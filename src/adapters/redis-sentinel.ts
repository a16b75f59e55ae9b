import type { RedisOptions } from 'ioredis';
import { FrontError } from '../domain/errors.ts';

/**
 * REDIS_URL may name a Sentinel-managed primary instead of one server:
 *
 *   redis+sentinel://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT…]/MASTER_NAME[/DB][?sentinelPassword=…&sentinelUsername=…]
 *
 * The hosts are the Sentinels (usually three), MASTER_NAME the name in their `sentinel monitor`
 * line; USER and PASSWORD authenticate to the Redis servers, the query parameters to the
 * Sentinels. ioredis asks the Sentinels for the current primary, checks its role, and asks again
 * after a failover. (WHATWG URL cannot parse a comma-separated host list, hence this parser.)
 */

export const SENTINEL_PROTOCOL = 'redis+sentinel:';

export function isSentinelUrl(url: string): boolean {
  return url.toLowerCase().startsWith(`${SENTINEL_PROTOCOL}//`);
}

export function sentinelOptions(url: string): RedisOptions {
  const bad = (why: string) =>
    new FrontError('CONFIG_INVALID', `REDIS_URL ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${why} (expected redis+sentinel://host:26379,host2:26379/MASTER_NAME)`, { permanent: true });
  const rest = url.slice(`${SENTINEL_PROTOCOL}//`.length);
  const [beforeQuery = '', query = ''] = rest.split('?', 2);
  const slash = beforeQuery.indexOf('/');
  if (slash < 0) throw bad('no master name');
  const authority = beforeQuery.slice(0, slash);
  const [name, db, ...extra] = beforeQuery.slice(slash + 1).split('/');
  if (!name || !/^[A-Za-z0-9._-]+$/.test(name) || extra.length > 0) throw bad('the path must be /MASTER_NAME or /MASTER_NAME/DB');
  if (db !== undefined && db !== '' && !/^\d+$/.test(db)) throw bad(`database "${db}" is not a number`);
  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? '' : authority.slice(0, at);
  const hosts = (at < 0 ? authority : authority.slice(at + 1)).split(',');
  const sentinels = hosts.map((h) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(h.trim());
    if (!m) throw bad(`"${h}" is not HOST:PORT`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  });
  const params = new URLSearchParams(query);
  const [user, password] = credentials === '' ? [] : credentials.split(':', 2).map((s) => decodeURIComponent(s));
  const sentinelPassword = params.get('sentinelPassword');
  const sentinelUsername = params.get('sentinelUsername');
  return {
    sentinels,
    name,
    ...(user ? { username: user } : {}),
    ...(password ? { password } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(sentinelPassword ? { sentinelPassword } : {}),
    ...(sentinelUsername ? { sentinelUsername } : {}),
  };
}
