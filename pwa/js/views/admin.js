// The screens for running an organisation (issue 14): users, organisations, devices, and the account set-up
// page a set-up link opens. Their routes are added to the app's.
import * as usersView from './users.js';
import * as organisationsView from './organisations.js';
import * as devicesView from './devices.js';
import * as accountView from './account.js';

const SETUP = /^#\/setup\/([\w-]+)$/;

// `app` is a getter: the routes are listed before the app object exists.
export function routes(app) {
  return [
    [/^#\/users$/, () => usersView.render(app())],
    [/^#\/organisations$/, () => organisationsView.render(app())],
    [/^#\/devices$/, () => devicesView.render(app())],
    [SETUP, ([token]) => accountView.renderSetup(app(), token)],
  ];
}

// The set-up page opens without an unlocked account too (the new user has none on this device yet).
export function isSetup(hash) {
  return SETUP.test(hash);
}

export function renderSetup(app, hash) {
  return accountView.renderSetup(app, SETUP.exec(hash)[1]);
}
