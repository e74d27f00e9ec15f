// (f) Password change: works, logs out the other devices, rotates the CSRF token (the page keeps
// working without a CSRF failure), the old password stops working, the new one works.
import { scenario, check, newDevice, signIn, registerUser, checkNoProblems, screenshotPath, PASSWORD } from './lib.mjs';

const NEW_PASSWORD = 'tr0ub4dor & 3, but longer';

await scenario('f: password change', async ({ base, browser }) => {
  await registerUser(base, 'ada@example.com');
  const d1 = await newDevice(browser);
  const d2 = await newDevice(browser);
  const p1 = await d1.newPage();
  const p2 = await d2.newPage();
  await signIn(p2, base, 'ada@example.com');
  await signIn(p1, base, 'ada@example.com');
  const statuses = [];
  p1.on('response', (r) => { if (r.url().includes('/auth/')) statuses.push(r.request().method() + ' ' + new URL(r.url()).pathname + ' ' + r.status()); });
  const cookieBefore = (await d1.cookies()).find((c) => c.name === 'session').value;

  const form = p1.locator('#password-form');
  // wrong current password: INVALID_CREDENTIALS' message, the session stays
  await form.getByLabel('Current password').fill('wrong password');
  await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await form.getByLabel('Repeat new password').fill(NEW_PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await p1.locator('#password-error').waitFor();
  check(await p1.locator('#password-error').textContent() === 'Invalid email or password.',
    'a wrong current password shows the contract\'s message');
  check(new URL(p1.url()).pathname.endsWith('/account.html'), 'and the session stays');

  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await p1.locator('#password-notice').waitFor();
  check(await p1.locator('#password-notice').textContent() === 'Password changed. Other devices logged out: 1.',
    'notice: password changed, one other device logged out');
  check(await p1.locator('#devices tbody tr').count() === 1, 'the devices list shows only this device');
  await p1.screenshot({ path: screenshotPath('account-password-changed.png'), fullPage: true });
  const cookieAfter = (await d1.cookies()).find((c) => c.name === 'session').value;
  check(cookieAfter !== cookieBefore, 'the session cookie was rotated');

  await p2.reload();
  await p2.waitForURL(/\/ui\/index\.html$/);
  check(true, 'the other device lands on sign-in');

  // the rotated CSRF token is used: logging out right away succeeds without any 403
  await p1.getByRole('button', { name: 'Log out', exact: true }).click();
  await p1.waitForURL(/\/ui\/index\.html\?m=loggedOut$/);
  check(!statuses.some((s) => / 403$/.test(s)), 'no request was refused with 403 (' + statuses.join(', ') + ')');
  check(statuses.includes('POST /auth/logout 200'), 'logout after the change got 200');

  // old password refused, new one accepted
  await p2.getByLabel('Email').fill('ada@example.com');
  await p2.getByLabel('Password').fill(PASSWORD);
  await p2.getByRole('button', { name: 'Sign in' }).click();
  await p2.getByRole('alert').waitFor();
  check(await p2.getByRole('alert').textContent() === 'Invalid email or password.', 'the old password no longer works');
  await signIn(p2, base, 'ada@example.com', NEW_PASSWORD);
  check(await p2.locator('#user-email').textContent() === 'ada@example.com', 'the new password works');
  checkNoProblems(d1, 'password change');
  checkNoProblems(d2, 'other device');
});
