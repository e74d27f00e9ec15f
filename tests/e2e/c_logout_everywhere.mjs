// (c) "Log out all other devices" and "Log out everywhere".
import { scenario, check, newDevice, signIn, registerUser, checkNoProblems, accountLoaded } from './lib.mjs';

async function landsOnSignIn(page, what) {
  await page.goto(page.url().replace(/\/ui\/.*$/, '/ui/account.html'));
  await page.waitForURL(/\/ui\/index\.html(\?.*)?$/);
  check(true, what);
}

await scenario('c: log out other devices, log out everywhere', async ({ base, browser }) => {
  await registerUser(base, 'linus@example.com');
  const [d1, d2, d3] = [await newDevice(browser), await newDevice(browser), await newDevice(browser)];
  const [p1, p2, p3] = [await d1.newPage(), await d2.newPage(), await d3.newPage()];
  for (const p of [p2, p3, p1]) await signIn(p, base, 'linus@example.com');
  check(await p1.locator('#devices tbody tr').count() === 3, 'three devices listed');

  await p1.getByRole('button', { name: 'Log out all other devices' }).click();
  await p1.getByRole('status').filter({ hasText: 'Other devices logged out: 2.' }).waitFor();
  check(true, 'notice: two other devices logged out');
  check(await p1.locator('#devices tbody tr').count() === 1, 'only this device is left in the list');
  check(await p1.getByRole('button', { name: 'Log out all other devices' }).isDisabled(),
    '"log out all other devices" is disabled with no other device');
  await landsOnSignIn(p2, 'device 2 lands on sign-in');
  await landsOnSignIn(p3, 'device 3 lands on sign-in');
  await p1.reload();
  await accountLoaded(p1);
  check(true, 'device 1 is still signed in');

  // sign device 2 in again, then log out everywhere from device 1
  await signIn(p2, base, 'linus@example.com');
  await p1.reload();
  await accountLoaded(p1);
  check(await p1.locator('#devices tbody tr').count() === 2, 'two devices listed again');
  const cookie2 = (await d2.cookies()).find((c) => c.name === 'session');
  await p1.getByRole('button', { name: 'Log out everywhere' }).click();
  await p1.waitForURL(/\/ui\/index\.html\?m=loggedOutAll$/);
  check(await p1.getByRole('status').textContent() === 'You have been logged out on all devices.',
    'device 1 lands on sign-in with the "logged out on all devices" notice');
  await landsOnSignIn(p2, 'device 2 lands on sign-in after "log out everywhere"');
  const r = await fetch(base + '/auth/me', { headers: { Cookie: 'session=' + cookie2.value } });
  check(r.status === 401, 'device 2\'s old token gets 401 from /auth/me');
  for (const d of [d1, d2, d3]) checkNoProblems(d, 'device');
});
