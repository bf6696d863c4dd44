// The bank editor's room: opened from the bank list (import('./editor/editor.js')), it
// replaces the console view until closed. It loads the bank (or the draft kept from an
// earlier visit), and wires the question list, the form, the preview and the checks:
// every change is checked with the server's own validator and kept as a draft; Save sends
// the bank only when nothing is wrong, and otherwise says what and where.
import { $, el } from '/static/shared/dom.js';
import { bankApi, plural } from '../bank-api.js';
import { createDraft, forgetDraft, readKeptDraft } from './draft.js';
import { labelled, selectInput, showProblems, textInput } from './fields.js';
import { createPreview } from './preview.js';
import { createQuestionList } from './question-list.js';
import { questionForm } from './question-form.js';
import { blankQuestion, moveQuestion, QUESTION_TYPES } from './question-model.js';
import { groupProblems, problemsOf } from './validation.js';

const STYLESHEET = '/static/admin/editor/editor.css';

function loadStylesheet() {
  if (document.querySelector(`link[href="${STYLESHEET}"]`)) return;
  document.head.append(el('link', { attrs: { rel: 'stylesheet', href: STYLESHEET } }));
}

/** Opens bank `bankId`; `onClose(savedBank | null)` runs when the author goes back. */
export async function openEditor(bankId, { onClose, onSignedOut }) {
  loadStylesheet();
  const room = $('editor-view');
  const loaded = await bankApi.get(bankId);
  if (loaded.status === 401) return onSignedOut();
  if (!loaded.ok) return window.alert(loaded.body.message ?? 'This bank cannot be opened.');
  const bank = loaded.body;
  const kept = readKeptDraft(bankId);

  let savedBank = null;
  let unsaved = Boolean(kept);
  let problems = [];
  let grouped = groupProblems([]);

  const status = el('p', { className: 'notice editor-status', attrs: { role: 'status', 'data-testid': 'editor-status' } });
  status.hidden = true;
  const say = (text, kind = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
    status.hidden = !text;
  };

  const draft = createDraft(bankId, kept?.doc ?? bank.pool, {
    selected: kept?.selected ?? 0,
    // A restored draft stays based on the version it was made from.
    baseUpdatedAt: kept?.base_updated_at ?? bank.updated_at_ms,
    onChange(change) {
      unsaved = true;
      redraw(change);
    },
  });
  const list = createQuestionList({
    onSelect(index) {
      draft.select(index);
      redraw({ structural: true });
    },
    onMove(from, to) {
      if (to < 0 || to >= draft.doc.questions.length) return;
      draft.change(null, (doc) => moveQuestion(doc.questions, from, to));
      draft.select(to);
      redraw({ structural: true });
      list.focus(to);
      // Said by screen readers (the status line is a live region): where the question went.
      say(`Moved question ${from + 1} to position ${to + 1}.`);
    },
  });
  const preview = createPreview();
  const formBox = el('div', { className: 'form-box' });

  const title = textInput({
    value: draft.doc.title,
    focusKey: 'title',
    attrs: { 'data-testid': 'bank-title-input', maxlength: 200 },
    onInput: (value) => draft.change('title', (doc) => (doc.title = value)),
  });
  const poolScoring = selectInput({
    value: draft.doc.scoring ?? 'speed',
    focusKey: 'pool-scoring',
    options: [
      ['speed', 'Speed: faster right answers score more'],
      ['accuracy', 'Accuracy: every right answer scores 1000'],
    ],
    onChange: (value) => draft.change(null, (doc) => (doc.scoring = value)),
  });
  const poolFields = el('div', { className: 'editor-row pool-fields' }, [
    labelled('Bank title', title, 'title'),
    labelled('Scoring for every question (unless a question says otherwise)', poolScoring, 'scoring'),
    el('p', { className: 'field-problem', attrs: { 'data-problem-for': 'questions', 'data-testid': 'problem-questions' } }),
  ]);

  const button = (text, testId, onClick, className = 'small') => {
    const made = el('button', { text, className, attrs: { type: 'button', 'data-testid': testId } });
    made.addEventListener('click', onClick);
    return made;
  };
  const undoButton = button('Undo', 'editor-undo', () => draft.undo() || say('Nothing to undo.'));
  undoButton.title = 'Undo the last change (Ctrl+Z outside a text field)';
  const saveButton = button('Save', 'editor-save', () => save(), 'primary');
  saveButton.title = 'Save the bank (Ctrl+S)';
  const header = el('div', { className: 'editor-head' }, [
    el('h2', { text: `Editing “${bank.title}”`, attrs: { id: 'editor-title' } }),
    el('div', { className: 'editor-actions' }, [
      undoButton,
      saveButton,
      button('Save as a copy', 'editor-save-copy', () => save({ asCopy: true })),
      button('Close', 'editor-close', close, 'quiet'),
    ]),
  ]);

  const newType = selectInput({ value: 'single', options: QUESTION_TYPES.map((type) => [type, type]) });
  newType.setAttribute('aria-label', 'Type of the new question');
  newType.dataset.testid = 'new-question-type';
  const side = el('div', { className: 'editor-side' }, [
    list.element,
    el('div', { className: 'add-question' }, [
      newType,
      button('Add a question', 'add-question', () => {
        draft.change(null, (doc) => doc.questions.push(blankQuestion(newType.value)));
        draft.select(draft.doc.questions.length - 1);
        redraw({ structural: true, focus: 'text' });
      }),
    ]),
  ]);
  const tools = el('div', { className: 'question-tools' }, [
    button('Move up', 'move-up', () => moveSelected(-1), 'small quiet'),
    button('Move down', 'move-down', () => moveSelected(1), 'small quiet'),
    button('Duplicate', 'duplicate-question', duplicateSelected, 'small quiet'),
    button('Delete question', 'delete-question', deleteSelected, 'small danger'),
  ]);

  const draftNotice = kept
    ? el('p', { className: 'notice', attrs: { 'data-testid': 'draft-restored', 'data-kind': 'info' } }, [
        document.createTextNode(`Your unsaved changes from ${new Date(kept.kept_at).toLocaleString()} were restored. `),
        // Someone (another tab, a rename) changed the bank after the draft was made.
        kept.base_updated_at !== undefined && kept.base_updated_at < bank.updated_at_ms
          ? el('b', { text: 'The bank was saved since then: saving this draft replaces that version. ', attrs: { 'data-testid': 'draft-stale' } })
          : null,
        button('Discard them', 'discard-draft', () => {
          forgetDraft(bankId);
          close();
          void openEditor(bankId, { onClose, onSignedOut });
        }, 'small quiet'),
      ])
    : null;

  room.replaceChildren(
    el('section', { className: 'editor card', attrs: { 'aria-labelledby': 'editor-title', 'data-testid': 'editor' } }, [
      header,
      status,
      draftNotice,
      bank.source_path
        ? el('p', {
            className: 'notice',
            text: `This bank is read from ${bank.source_path} (QUIZ_POOL_PATH) at every start, which replaces what is saved here: use Save as a copy to keep your edits.`,
            attrs: { 'data-kind': 'info', 'data-testid': 'source-notice' },
          })
        : null,
      bank.selected ? el('p', { className: 'muted small-text', text: 'This bank plays next: a save is loaded at once in the lobby or after the end, and refused while a question is open or in review (save a copy then).' }) : null,
      poolFields,
      el('div', { className: 'editor-grid' }, [side, el('div', { className: 'editor-main' }, [tools, formBox]), preview.element]),
    ]),
  );
  $('console-view').hidden = true;
  room.hidden = false;

  function moveSelected(step) {
    const from = draft.selected;
    const to = from + step;
    if (to < 0 || to >= draft.doc.questions.length) return;
    draft.change(null, (doc) => moveQuestion(doc.questions, from, to));
    draft.select(to);
    redraw({ structural: true });
  }

  function duplicateSelected() {
    const index = draft.selected;
    draft.change(null, (doc) => doc.questions.splice(index + 1, 0, structuredClone(doc.questions[index])));
    draft.select(index + 1);
    redraw({ structural: true });
  }

  function deleteSelected() {
    const index = draft.selected;
    if (draft.doc.questions.length === 1) return say('A bank needs at least one question: add another before deleting this one.', 'error');
    draft.change(null, (doc) => doc.questions.splice(index, 1));
    draft.select(Math.max(0, index - 1));
    say(`Deleted question ${index + 1}. Undo brings it back.`);
    redraw({ structural: true });
  }

  /** Redraws after a change: the form only when the question's shape changed. */
  function redraw({ structural = false, focus } = {}) {
    const index = draft.selected;
    const question = draft.doc.questions[index];
    problems = problemsOf(draft.doc);
    grouped = groupProblems(problems);
    if (structural) {
      const focusKey = focus ?? document.activeElement?.dataset?.focusKey;
      formBox.replaceChildren(questionForm(draft, index));
      title.value = draft.doc.title;
      poolScoring.value = draft.doc.scoring ?? 'speed';
      if (focusKey && formBox.contains(document.activeElement) === false) {
        formBox.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
      }
    }
    const counts = new Map([...grouped.byQuestion].map(([at, fields]) => [at, fields.size]));
    list.render(draft.doc.questions, index, counts);
    showProblems(formBox, grouped.byQuestion.get(index) ?? new Map());
    showProblems(poolFields, grouped.pool);
    preview.update(question, index, draft.doc.questions.length);
    undoButton.disabled = !draft.canUndo;
    saveButton.textContent = unsaved ? 'Save*' : 'Save';
    saveButton.title = unsaved ? 'Unsaved changes, kept as a draft in this browser (Ctrl+S saves)' : 'Saved (Ctrl+S)';
  }

  async function save({ asCopy = false } = {}) {
    if (problems.length > 0) {
      const first = problems[0].path.split('/');
      if (first[1] === 'questions' && first[2] !== undefined) {
        draft.select(Number(first[2]));
        redraw({ structural: true });
      }
      say(`Not saved: ${plural(problems.length, 'problem')} to fix first — each is shown next to its field.`, 'error');
      room.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    say('Saving…');
    let target = bankId;
    let doc = draft.doc;
    if (asCopy) {
      const copy = await bankApi.duplicate(bankId);
      if (!copy.ok) return say(copy.body.message ?? 'The copy was not made.', 'error');
      target = copy.body.id;
      // The copy keeps its "(copy)" name unless the author gave the bank a new title.
      if (doc.title === bank.title) doc = { ...doc, title: copy.body.title };
    }
    const answer = await bankApi.save(target, doc);
    if (answer.status === 401) return onSignedOut();
    if (!answer.ok) {
      const details = answer.body.details?.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
      return say(`Not saved: ${answer.body.message}${details ? ` (${details})` : ''}`, 'error');
    }
    savedBank = answer.body;
    if (asCopy) return say(`Saved as a new bank, “${answer.body.title}”. This bank is unchanged.`, 'ok');
    draft.saved(answer.body.updated_at_ms);
    unsaved = false;
    say(`Saved “${answer.body.title}” (${plural(answer.body.questions, 'question')}).`, 'ok');
  }

  function onKey(event) {
    if (room.hidden || !(event.ctrlKey || event.metaKey)) return;
    const key = event.key.toLowerCase();
    if (key === 's') {
      event.preventDefault();
      void save();
    } else if (key === 'z' && !event.shiftKey && !event.target.closest?.('input[type="text"], textarea')) {
      event.preventDefault();
      draft.undo();
    }
  }
  document.addEventListener('keydown', onKey);

  function close() {
    document.removeEventListener('keydown', onKey);
    room.hidden = true;
    room.replaceChildren();
    $('console-view').hidden = false;
    onClose(savedBank);
  }

  redraw({ structural: true });
  title.focus();
}
