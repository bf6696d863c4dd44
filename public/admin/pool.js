// The question pool: upload (file picker or drop), every refused path listed, and a
// preview of the loaded pool: each question's type, and its answer key by type (the
// letter, the set of letters, the number and its tolerance; a poll has none), marked.
// Question text, choices and explanations are Markdown (shared/markdown.js, sanitised).
// While a run is on (a question open, or its review) the preview lists the questions
// without answers or explanations: the console may be mirrored to the class (see drive.js).
import { CHOICE_LETTERS, DEFAULT_TIME_LIMIT_S } from '/static/protocol.js';
import { $, acceptFileDrop, el } from '/static/shared/dom.js';
import { markedKeys } from '/static/shared/histogram.js';
import { showMarkdown } from '/static/shared/question-markdown.js';
import { answerKeyText, TYPE_LABELS } from '/static/shared/question-types.js';
import { PHASE_LABELS } from './drive.js';

/**
 * The pool card over `session` (an admin state). `reload()` fetches the whole state after
 * a pool was loaded; `onSignedOut` runs on a 401.
 */
export function setUpPool(session, { reload, onSignedOut }) {
  function showMessage(text, kind = 'info') {
    const box = $('pool-message');
    box.textContent = text;
    box.dataset.kind = kind;
    box.hidden = !text;
  }

  async function upload(file) {
    const errors = $('pool-errors');
    errors.replaceChildren();
    errors.hidden = true;
    if (!file) return;
    showMessage(`Checking ${file.name}…`);
    // The bytes as they are (a .zip, .xlsx, GIFT, Moodle XML, CSV…); the file's name tells
    // the server its format, and the server reads its encoding.
    const response = await fetch(`/admin/api/pool?filename=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: file,
    }).catch(() => null);
    $('pool-file').value = '';
    if (!response) return showMessage('The server cannot be reached; nothing was changed.', 'error');
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      showMessage(`Loaded “${body.title}” — ${body.questions} question${body.questions === 1 ? '' : 's'}.`, 'ok');
      await reload();
      return;
    }
    if (response.status === 400 && Array.isArray(body.details)) {
      const count = body.details.length;
      showMessage(`${file.name} was refused (${count} problem${count === 1 ? '' : 's'}); nothing was changed.`, 'error');
      errors.replaceChildren(
        ...body.details.map((detail) =>
          el('li', {}, [el('code', { text: detail.path || '/' }), document.createTextNode(` — ${detail.message}`)]),
        ),
      );
      errors.hidden = false;
    } else if (response.status === 409) {
      showMessage(
        `A pool can only be loaded in the lobby or after the session has ended (now: ${PHASE_LABELS[session.phase] ?? session.phase}). End the session first, then load it; it plays from the next reset.`,
        'error',
      );
    } else if (response.status === 401) {
      onSignedOut();
    } else {
      showMessage(body.message || `Upload failed (HTTP ${response.status}).`, 'error');
    }
  }

  $('pool-file').addEventListener('change', (event) => upload(event.target.files?.[0]));
  acceptFileDrop($('pool-drop'), upload);

  let shownPool;
  let shownWithAnswers;

  /** Draws the preview again when the pool, or whether it may show the answers, changed. */
  function renderPreview() {
    const pool = session.pool;
    const withAnswers = session.phase !== 'question' && session.phase !== 'review';
    if (pool === shownPool && withAnswers === shownWithAnswers) return;
    shownPool = pool;
    shownWithAnswers = withAnswers;
    const box = $('pool-preview');
    if (!pool) {
      box.replaceChildren(el('p', { className: 'muted', text: 'No pool loaded.' }));
      return;
    }
    const list = el('ol', { className: 'preview-questions' }, pool.questions.map((q) => previewQuestion(q, withAnswers)));
    const title = el('h3', { text: `${pool.title} · ${pool.questions.length} question${pool.questions.length === 1 ? '' : 's'}` });
    if (withAnswers) box.replaceChildren(title, list);
    else box.replaceChildren(title, el('p', { className: 'muted small-text', text: 'Answers are hidden while the session runs.' }), list);
  }

  return { renderPreview };
}

function markdownBlock(className, text) {
  const box = el('div', { className });
  showMarkdown(box, text);
  return box;
}

function markdownInline(text) {
  const label = el('span');
  showMarkdown(label, text, { inline: true });
  return label;
}

/** One question of the preview: its type, text, image, choices and (outside a run) its answer key. */
function previewQuestion(question, withAnswers) {
  const type = question.type ?? 'single';
  const marked = withAnswers ? markedKeys(type, question.answer) : [];
  const facts = [TYPE_LABELS[type] ?? type, `${question.time_limit_s ?? DEFAULT_TIME_LIMIT_S} s`];
  if (question.scoring === 'accuracy') facts.push('accuracy scoring');
  const keyText = withAnswers ? answerKeyText(type, question.answer, question.tolerance ?? 0) : null;
  return el('li', { attrs: { 'data-type': type } }, [
    el('p', { className: 'preview-type muted small-text', text: facts.join(' · ') }),
    markdownBlock('preview-text', question.text),
    question.image
      ? el('p', { className: 'preview-image muted small-text', text: `Image: ${question.image_alt || 'no alt text'}` })
      : null,
    question.choices?.length
      ? el(
          'ul',
          { className: 'preview-choices' },
          question.choices.map((choice, i) => {
            const letter = CHOICE_LETTERS[i];
            const isAnswer = marked.includes(letter);
            return el('li', { className: isAnswer ? 'correct' : '', attrs: { 'data-letter': letter } }, [
              el('b', { text: `${letter}. ` }),
              markdownInline(choice),
              isAnswer ? el('span', { className: 'answer-tag', text: ' ✓ answer' }) : null,
            ]);
          }),
        )
      : null,
    type === 'numeric' && keyText
      ? el('p', { className: 'preview-key correct', attrs: { 'data-answer': question.answer } }, [
          document.createTextNode('Answer: '),
          el('b', { text: keyText }),
          el('span', { className: 'answer-tag', text: ' ✓ answer' }),
        ])
      : null,
    type === 'poll' && withAnswers ? el('p', { className: 'preview-key muted small-text', text: 'No answer key (poll).' }) : null,
    withAnswers && question.explanation ? markdownBlock('preview-explanation muted small-text', question.explanation) : null,
  ]);
}
