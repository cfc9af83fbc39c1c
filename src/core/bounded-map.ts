/**
 * Sets `key` as the newest entry of an insertion-ordered Map and, past `max` entries, forgets the
 * oldest: the in-memory caches stay bounded however many users one process serves.
 */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
