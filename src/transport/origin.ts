/**
 * The Origin allow-list: cookie-authenticated WebSockets invite cross-site hijacking, so browsers may connect
 * only from listed origins (high-templar dossier §4.6). State-changing HTTP requests (triggers, REST writes) are
 * refused when {@link crossSite}. Pure.
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

/**
 * Whether a browser sent this request from another site: it has an `Origin` that is neither the host it was sent
 * to (a page served by this server) nor on the allow-list. Unlike {@link originAllowed}, no list means only the
 * same origin: cookie-authenticated writes must not be triggered by any page open in the user's browser.
 * Backends send no Origin and are never cross-site.
 */
export function crossSite(origin: string | undefined, host: string | undefined, allowList: readonly string[] | undefined): boolean {
  if (origin === undefined) return false;
  return !sameOrigin(origin, host) && !originAllowed(origin, allowList ?? []);
}

/** Whether `origin` names `host`. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
