/** "https://x/api//" → "https://x/api", without a regular expression that backtracks on long runs of "/". */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}
