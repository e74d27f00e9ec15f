// (d) A wrong password shows the contract's message, in English and (browser locale pl-PL) in Polish.
import { scenario, check, newDevice, registerUser, checkNoProblems, screenshotPath } from './lib.mjs';

await scenario('d: wrong password shows the contract\'s message (en, pl)', async ({ base, browser }) => {
  await registerUser(base, 'ada@example.com');

  const en = await newDevice(browser);
  const page = await en.newPage();
  await page.goto(base + '/ui/');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  check(await alert.textContent() === 'Invalid email or password.', 'English: "Invalid email or password."');
  check(await page.getByLabel('Password').inputValue() === '', 'the password field is cleared');
  check(new URL(page.url()).pathname === '/ui/', 'still on the sign-in page');
  await page.screenshot({ path: screenshotPath('sign-in-error.png') });

  // unknown email: the same message
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => !document.querySelector('button[type=submit]').disabled);
  check(await alert.textContent() === 'Invalid email or password.', 'an unknown email gets the same message');

  const pl = await newDevice(browser, { locale: 'pl-PL' });
  const pp = await pl.newPage();
  await pp.goto(base + '/ui/');
  check(await pp.locator('html').getAttribute('lang') === 'pl', '<html lang="pl"> for a Polish browser');
  check(await pp.getByRole('heading', { name: 'Zaloguj się' }).isVisible(), 'the page is in Polish');
  await pp.getByLabel('E-mail').fill('ada@example.com');
  await pp.getByLabel('Hasło').fill('nie to hasło');
  await pp.getByRole('button', { name: 'Zaloguj się' }).click();
  await pp.getByRole('alert').waitFor();
  check(await pp.getByRole('alert').textContent() === 'Nieprawidłowy adres e-mail lub hasło.',
    'Polish: "Nieprawidłowy adres e-mail lub hasło."');
  await pp.screenshot({ path: screenshotPath('sign-in-error-pl.png') });
  checkNoProblems(en, 'en');
  checkNoProblems(pl, 'pl');
});
