// Offsets for local date-times read at a configured zone: a fixed `+08:00`, or an IANA name whose offset
// can change over time (Asia/Shanghai observed summer time 1986–1991), computed with Intl and cached.

/** The UTC offset (`+08:00`, `Z`) of a local wall time; the month is 1-based. */
export type ZoneOffset = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
) => string;

/** Returns a function giving the UTC offset (`+08:00`) of a local wall time in `zone`. */
export function zoneOffsetResolver(zone: string): ZoneOffset {
  if (zone === 'UTC' || zone === 'Z') return () => 'Z';
  const fixed = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (fixed) {
    const text = `${fixed[1]}${fixed[2]}:${fixed[3]}`;
    return () => text;
  }
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (utcMs: number): number => {
    const parts = fmt.formatToParts(new Date(utcMs));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    const asUtc = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
  };
  const cache = new Map<number, string>();
  // The last hour asked for: consecutive rows of an export are usually in the same hour.
  let lastKey = -1;
  let lastText = '';
  return (year, month, day, hour, minute, second) => {
    // Cache by local hour: offsets change on hour boundaries in every zone in use. The key is unique per
    // (year, month, day, hour) and costs no Date call.
    const hourKey = ((year * 13 + month) * 32 + day) * 24 + hour;
    if (hourKey === lastKey) return lastText;
    const hit = cache.get(hourKey);
    if (hit !== undefined) {
      lastKey = hourKey;
      lastText = hit;
      return hit;
    }
    const local = Date.UTC(year, month - 1, day, hour, minute, second);
    // Two steps: guess with the offset at the local time read as UTC, then correct with the offset there.
    let minutes = offsetAt(local);
    minutes = offsetAt(local - minutes * 60000);
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    const text = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    if (cache.size > 4096) cache.clear();
    cache.set(hourKey, text);
    lastKey = hourKey;
    lastText = text;
    return text;
  };
}

/** True when `zone` is `UTC`, a fixed offset or an IANA zone this runtime knows. */
export function isValidZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Z' || /^[+-]\d{2}:?\d{2}$/.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
