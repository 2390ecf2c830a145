/** Sign-in: paste a tenant API key; on a local stack the demo key is one click away. */
import { createApi, ApiError } from '../api/client.ts';
import { DEMO_KEY, isLocalStack, setKey, clearKey } from '../auth.ts';
import { h } from '../ui/dom.ts';

export function signInPage(root: HTMLElement, opts: { reason: string | null; onSignedIn(): void }): void {
  const input = h('input', {
    type: 'password',
    id: 'api-key',
    name: 'api-key',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'tly_…',
    'aria-describedby': 'key-help',
  });
  const message = h(
    'p',
    { class: 'form-error', role: 'alert', 'data-testid': 'sign-in-error' },
    opts.reason ?? '',
  );
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');

  const tryKey = async (key: string) => {
    submit.disabled = true;
    message.textContent = '';
    const api = createApi({ getKey: () => key, onUnauthorized: () => undefined });
    try {
      await api.get('/v1/campaigns', { limit: 1 });
      setKey(key);
      opts.onSignedIn();
    } catch (err) {
      clearKey();
      message.textContent =
        err instanceof ApiError && err.status === 401
          ? 'That key was not accepted. Check it, or create one with: pnpm tally tenant create <id> --key …'
          : 'query-api did not answer. Is the stack running (./tally up)?';
    } finally {
      submit.disabled = false;
    }
  };

  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: '-1' }, 'Sign in to Tally'),
    h('label', { for: 'api-key' }, 'Tenant API key'),
    input,
    h(
      'p',
      { id: 'key-help', class: 'muted' },
      'Kept in this browser tab only (session storage) and sent only in the Authorization header.',
    ),
    message,
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void tryKey(input.value.trim());
  });
  const demo = isLocalStack(location.hostname)
    ? h(
        'div',
        { class: 'demo-offer' },
        h('p', {}, 'This is a local stack: the demo tenant’s key is ', h('code', {}, DEMO_KEY), '.'),
        h(
          'button',
          { type: 'button', 'data-testid': 'use-demo-key', onclick: () => void tryKey(DEMO_KEY) },
          'Use the demo key',
        ),
      )
    : null;
  root.replaceChildren(h('section', { class: 'sign-in-page' }, form, demo));
  input.focus();
}
