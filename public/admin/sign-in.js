// Sign-in and sign-out: the password form (a wrong password said plainly, the 429 wait
// counted down on the button) and the logout button.
import { $ } from '/static/shared/dom.js';

/**
 * Wires the login form and the logout button. `onSignedIn` runs after a successful
 * sign-in, `onSignedOut` after logout. Returns `showError(text)` for the sign-in box.
 */
export function setUpSignIn({ onSignedIn, onSignedOut }) {
  let waitTimer = null;

  function showError(text) {
    const box = $('login-error');
    box.textContent = text;
    box.hidden = !text;
  }

  function startWait(seconds) {
    clearInterval(waitTimer);
    let left = seconds;
    const submit = $('login-submit');
    const render = () => {
      if (left <= 0) {
        clearInterval(waitTimer);
        submit.disabled = false;
        showError('You can try again now.');
        return;
      }
      submit.disabled = true;
      showError(`Too many attempts — try again in ${left} s`);
    };
    render();
    waitTimer = setInterval(() => {
      left -= 1;
      render();
    }, 1000);
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = $('password').value;
    if (!password) {
      showError('Enter the instructor password.');
      return;
    }
    $('login-submit').disabled = true;
    let response;
    try {
      response = await fetch('/admin/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
    } catch {
      $('login-submit').disabled = false;
      showError('The server cannot be reached. Try again in a moment.');
      return;
    }
    $('login-submit').disabled = false;
    if (response.ok) {
      $('password').value = '';
      showError('');
      await onSignedIn();
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after')) || Number(body.retry_after_s) || 60;
      startWait(Math.ceil(seconds));
    } else if (response.status === 401) {
      showError('Wrong password.');
      $('password').select();
    } else {
      showError(body.message || `Sign-in failed (HTTP ${response.status}).`);
    }
  });

  $('logout').addEventListener('click', async () => {
    await fetch('/admin/logout', { method: 'POST' }).catch(() => {});
    onSignedOut();
  });

  return { showError };
}
