// The question banks card: every bank with its size, where it came from and whether the
// next run plays it; per bank Play, Edit, Duplicate, Rename, Download (JSON or zip) and
// Delete (after a confirm that names it). New banks come from "New bank" (one question to
// start from, opened in the editor) or an upload. The editor is its own room
// (./editor/), loaded only when a bank is opened, so the console stays light.
import { $, el } from '/static/shared/dom.js';
import { bankApi, plural } from './bank-api.js';

const STARTER_POOL = {
  title: 'New bank',
  questions: [{ type: 'single', text: 'New question', choices: ['First choice', 'Second choice'], answer: 'A' }],
};

/** `reload()` fetches the whole console state after the played pool changed. */
export function setUpBanks(session, { reload, onSignedOut }) {
  let listing = { banks: [], selected_bank_id: null, run_in_progress: false };

  function showMessage(text, kind = 'info') {
    const box = $('banks-message');
    box.textContent = text;
    box.dataset.kind = kind;
    box.hidden = !text;
  }

  function showProblems(details = []) {
    const list = $('bank-errors');
    list.replaceChildren(
      ...details.map((detail) => el('li', {}, [el('code', { text: detail.path || '/' }), document.createTextNode(` — ${detail.message}`)])),
    );
    list.hidden = details.length === 0;
  }

  /** Shows a refused answer; true when it was one. */
  function refused(answer, what) {
    if (answer.ok) return false;
    if (answer.status === 401) onSignedOut();
    showMessage(`${what}: ${answer.body.message ?? `HTTP ${answer.status}`}`, 'error');
    showProblems(answer.body.details);
    return true;
  }

  async function refresh() {
    const answer = await bankApi.list();
    if (answer.status === 401) return onSignedOut();
    if (!answer.ok) return;
    listing = answer.body;
    render();
  }

  function render() {
    const lockedId = listing.run_in_progress ? listing.selected_bank_id : null;
    $('banks').replaceChildren(...listing.banks.map((bank) => bankRow(bank, bank.id === lockedId)));
  }

  function bankRow(bank, locked) {
    const facts = [plural(bank.questions, 'question')];
    if (bank.media.length) facts.push(plural(bank.media.length, 'image'));
    facts.push(`changed ${new Date(bank.updated_at_ms).toLocaleString()}`);
    const action = (label, handler, testId, className = 'small quiet') => {
      const button = el('button', { text: label, className, attrs: { type: 'button', 'data-testid': testId } });
      button.addEventListener('click', handler);
      return button;
    };
    const buttons = [
      action('Play this pool', () => play(bank), 'bank-play', 'small'),
      action('Edit', () => edit(bank), 'bank-edit'),
      action('Duplicate', () => duplicate(bank), 'bank-duplicate'),
      action('Rename', () => startRename(bank), 'bank-rename'),
      action('Delete', () => remove(bank), 'bank-delete', 'small danger'),
    ];
    // The bank on the projector keeps its questions until the end; a copy can be edited.
    if (bank.selected) buttons[0].disabled = true;
    if (locked) {
      for (const button of [buttons[1], buttons[3], buttons[4]]) {
        button.disabled = true;
        button.title = 'Being played: it can be changed in the lobby or after the end. Duplicate it to edit a copy now.';
      }
    }
    const downloads = ['json', 'zip'].map((format) =>
      el('a', {
        text: format === 'json' ? 'JSON' : 'zip',
        className: 'button small',
        attrs: { href: bankApi.downloadUrl(bank.id, format), download: '', 'data-testid': `bank-download-${format}` },
      }),
    );
    return el('li', { className: 'bank', attrs: { 'data-testid': 'bank', 'data-bank-id': bank.id, 'data-selected': bank.selected } }, [
      el('div', { className: 'bank-head' }, [
        el('b', { className: 'bank-title', text: bank.title, attrs: { 'data-testid': 'bank-title' } }),
        bank.selected ? el('span', { className: 'bank-badge', text: locked ? 'playing now' : 'plays next' }) : null,
        bank.source_path ? el('span', { className: 'bank-source muted small-text', text: `from ${bank.source_path}`, attrs: { 'data-testid': 'bank-source' } }) : null,
      ]),
      el('p', { className: 'muted small-text', text: facts.join(' · ') }),
      el('div', { className: 'bank-buttons' }, [...buttons, el('span', { className: 'muted small-text', text: 'Download:' }), ...downloads]),
    ]);
  }

  async function play(bank) {
    const answer = await bankApi.play(bank.id);
    if (answer.status === 409 && answer.body.error === 'wrong_phase') {
      return showMessage(`“${bank.title}” cannot be played now: a question is open or in review. Play it in the lobby or after the end.`, 'error');
    }
    if (refused(answer, `“${bank.title}” was not loaded`)) return;
    showProblems();
    showMessage(`“${bank.title}” plays next.`, 'ok');
    await Promise.all([refresh(), reload()]);
  }

  async function duplicate(bank) {
    const answer = await bankApi.duplicate(bank.id);
    if (refused(answer, 'Not duplicated')) return;
    showMessage(`Made “${answer.body.title}”.`, 'ok');
    await refresh();
  }

  function startRename(bank) {
    const row = $('banks').querySelector(`[data-bank-id="${bank.id}"]`);
    const input = el('input', { attrs: { type: 'text', value: bank.title, 'aria-label': `New name for ${bank.title}`, 'data-testid': 'bank-rename-input', maxlength: 200 } });
    const form = el('form', { className: 'bank-rename' }, [
      input,
      el('button', { text: 'Save name', className: 'small primary', attrs: { type: 'submit' } }),
      el('button', { text: 'Cancel', className: 'small quiet', attrs: { type: 'button', 'data-action': 'cancel' } }),
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const answer = await bankApi.rename(bank.id, input.value);
      if (refused(answer, 'Not renamed')) return;
      showMessage(`Renamed to “${answer.body.title}”.`, 'ok');
      await Promise.all([refresh(), bank.selected ? reload() : null]);
    });
    form.querySelector('[data-action="cancel"]').addEventListener('click', render);
    input.addEventListener('keydown', (event) => event.key === 'Escape' && render());
    row.querySelector('.bank-head').replaceWith(form);
    input.focus();
    input.select();
  }

  async function remove(bank) {
    // The confirm names the bank: deleting the wrong one loses its questions for good.
    if (!window.confirm(`Delete the question bank “${bank.title}” (${plural(bank.questions, 'question')})? This cannot be undone.`)) return;
    const answer = await bankApi.remove(bank.id);
    if (refused(answer, `“${bank.title}” was not deleted`)) return;
    showMessage(`Deleted “${bank.title}”.`, 'ok');
    await refresh();
  }

  async function edit(bank) {
    const { openEditor } = await import('./editor/editor.js');
    openEditor(bank.id, {
      onClose: async (saved) => {
        if (saved) showMessage(`Saved “${saved.title}”.`, 'ok');
        await Promise.all([refresh(), saved?.selected ? reload() : null]);
      },
      onSignedOut,
    });
  }

  async function createNew() {
    const answer = await bankApi.create(STARTER_POOL);
    if (refused(answer, 'No bank was made')) return;
    await refresh();
    await edit(answer.body.banks[0]);
  }

  async function upload(file) {
    if (!file) return;
    showProblems();
    showMessage(`Checking ${file.name}…`);
    const answer = await bankApi.upload(file);
    $('bank-file').value = '';
    if (refused(answer, `${file.name} was refused (${plural(answer.body.details?.length ?? 1, 'problem')}); nothing was changed`)) return;
    const added = answer.body.banks.map((bank) => `“${bank.title}” (${plural(bank.questions, 'question')})`);
    showMessage(`Added ${added.join(', ')}.`, 'ok');
    await refresh();
  }

  $('bank-new').addEventListener('click', createNew);
  $('bank-file').addEventListener('change', (event) => upload(event.target.files?.[0]));

  return {
    refresh,
    /** The phase changed: what may be edited changed with it. */
    renderLocks() {
      const inProgress = session.phase === 'question' || session.phase === 'review';
      if (inProgress === listing.run_in_progress) return;
      listing = { ...listing, run_in_progress: inProgress };
      render();
    },
  };
}
