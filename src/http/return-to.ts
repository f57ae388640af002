/**
 * The page to go back to after sign-in: only a path on this site ("/sales?page=2"), never
 * "//evil.example", "/\\evil.example" or "https://…"; anything else becomes "/".
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || c === '\\')) return '/';
  if (value === '/login' || value.startsWith('/login?') || value.startsWith('/login/') || value.startsWith('/logout')) return '/';
  return value;
}

export function loginUrl(returnTo: string): string {
  return returnTo === '/' ? '/login' : `/login?returnTo=${encodeURIComponent(returnTo)}`;
}
