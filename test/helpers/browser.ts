import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { projectRoot } from './project-root.ts';

// Debian's Chromium through playwright-core (no browser download), headless. newPage()
// (or screenshotOnFailure() for a shared page) must be called inside a test: if that test
// fails, a full-page screenshot is saved under test-results/<test name>.png.

export const RESULTS_DIR = path.join(projectRoot, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** A fresh context (own cookies) and page; screenshot on failure of the calling test. */
export async function newPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  screenshotOnFailure(page);
  return { context, page };
}

/** For a page made outside the test (shared by several): its screenshot if the calling test fails. */
export function screenshotOnFailure(page: Page, suffix = ''): void {
  onTestFailed(async ({ task }) => {
    try {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const name = task.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 100);
      if (!page.isClosed()) await page.screenshot({ path: path.join(RESULTS_DIR, `${name}${suffix}.png`), fullPage: true });
    } catch {
      // the screenshot is a help, never a second failure
    }
  });
}
