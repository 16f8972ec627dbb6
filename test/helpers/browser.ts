/**
 * Headless Chromium for page tests: Debian's `/usr/bin/chromium` (or `CHROMIUM_PATH`) driven by playwright-core,
 * which downloads no browser of its own.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { skipUnlessRequired } from './server.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `skip` for a browser test: false when Chromium is there (a failure instead, where services are required). */
export const skipBrowser: string | false = existsSync(CHROMIUM) ? false : skipUnlessRequired('chromium', `${CHROMIUM} is missing (apt-get install chromium)`);

/** Launches Chromium headless, without the sandbox (tests run as root) or any background traffic. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
