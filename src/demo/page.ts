/**
 * The demo page (a placeholder until the full page lands).
 *
 * @module
 */
export const DEMO_PAGE = '<!doctype html><title>roomcast demo</title><p>roomcast demo</p>';
