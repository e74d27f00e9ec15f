// (b) Two browsers signed in as one user; one logs the other out from the devices list; the
// other's next page load lands on the sign-in page.
import { scenario, check, newDevice, signIn, registerUser, checkNoProblems, screenshotPath, sessionCookie } from './lib.mjs';

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

await scenario('b: log out another device from the devices list', async ({ base, browser }) => {
  await registerUser(base, 'grace@example.com');
  const laptop = await newDevice(browser);
  const other = await newDevice(browser, { userAgent: FIREFOX_WINDOWS });
  const a = await laptop.newPage();
  const b = await other.newPage();
  await signIn(b, base, 'grace@example.com');
  await signIn(a, base, 'grace@example.com', undefined, { remember: true });

  const rows = a.locator('#devices tbody tr');
  check(await rows.count() === 2, 'the devices list shows two sessions');
  const current = a.locator('#devices tbody tr.current');
  check(await current.count() === 1, 'exactly one row is the current session');
  check(await current.getByText('This device').isVisible(), 'the current row has the "This device" badge');
  check(/Chrome \d+ · Linux/.test(await current.locator('.device-name').textContent()),
    'the current row names Chromium on Linux: ' + await current.locator('.device-name').textContent());
  const otherRow = a.locator('#devices tbody tr:not(.current)');
  check(await otherRow.locator('.device-name').textContent() === 'Firefox 128 · Windows',
    'the other row is parsed from its user agent as "Firefox 128 · Windows"');
  check((await otherRow.locator('td').nth(1).textContent()) === '127.0.0.1', 'the IP address is shown');
  check(await otherRow.locator('time').count() === 2, 'last seen and signed-in times are shown');
  check(await current.getByRole('button').count() === 0, 'the current row has no per-device logout button');
  await a.screenshot({ path: screenshotPath('account-devices.png'), fullPage: true });

  await otherRow.getByRole('button', { name: /^Log out Firefox 128 · Windows/ }).click();
  await a.getByRole('status').filter({ hasText: 'The device has been logged out.' }).waitFor();
  check(await rows.count() === 1, 'after revoking, the list shows one session');
  check(await a.locator('#devices tbody tr.current').count() === 1, 'the remaining one is this device');

  check(Boolean(await sessionCookie(other)), 'the revoked browser still holds its (dead) cookie before its next request');
  await b.reload();
  await b.waitForURL(/\/ui\/index\.html$/);
  check(await b.getByRole('heading', { name: 'Sign in' }).isVisible(), 'the revoked browser\'s next page load lands on sign-in');
  check(!(await sessionCookie(other)), 'the 401 expired the dead cookie in the revoked browser');

  await a.reload();
  await a.locator('main[aria-busy="false"]').waitFor();
  check(new URL(a.url()).pathname.endsWith('/account.html'), 'the revoking browser is still signed in');
  checkNoProblems(laptop, 'account page');
  checkNoProblems(other, 'revoked browser');
});
