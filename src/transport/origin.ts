/**
 * The Origin allow-list: cookie-authenticated WebSockets invite cross-site hijacking, so browsers may connect
 * only from listed origins (high-templar dossier §4.6). Pure.
 *
 * @module
 */

/**
 * Whether an upgrade with this `Origin` header may proceed. No list allows every origin; a request without an
 * Origin header is not from a browser and is allowed. Entries are exact origins (`https://app.example.com`),
 * `*` for any, or `https://*.example.com` for any subdomain.
 */
export function originAllowed(origin: string | undefined, allowList: readonly string[] | undefined): boolean {
  if (allowList === undefined || origin === undefined) return true;
  const o = origin.toLowerCase();
  return allowList.some((entry) => {
    const e = entry.toLowerCase();
    if (e === '*' || e === o) return true;
    const star = e.indexOf('://*.');
    if (star === -1) return false;
    const scheme = e.slice(0, star + 3);
    const suffix = e.slice(star + 4); // ".example.com"
    return o.startsWith(scheme) && o.endsWith(suffix) && o.length > scheme.length + suffix.length;
  });
}
