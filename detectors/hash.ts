/** FNV-1a, 32 bits: distinct-value counting keeps numbers instead of attacker-sized strings. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  const n = Math.min(text.length, 2048);
  for (let i = 0; i < n; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
