// The bank's questions in order, one button each: click (or Enter) to edit it. Reorder by
// dragging a question onto another's place, or from the keyboard with Alt+↑ / Alt+↓ on the
// selected one (the Move up / Move down buttons do the same). A question with a problem is
// marked, with the number of problems, so nothing invalid hides in a long bank.
import { el } from '/static/shared/dom.js';
import { TYPE_LABELS } from '/static/shared/question-types.js';

const SUMMARY_LENGTH = 60;

/** `onSelect(index)`, `onMove(from, to)`: the editor applies them to the draft. */
export function createQuestionList({ onSelect, onMove }) {
  const list = el('ol', { className: 'question-list', attrs: { 'data-testid': 'question-list', 'aria-label': 'Questions (Alt+↑ / Alt+↓ to move the selected one)' } });
  let dragFrom = null;

  function render(questions, selected, problemCounts) {
    const items = questions.map((question, index) => {
      const count = problemCounts.get(index) ?? 0;
      const summary = String(question?.text ?? '').replace(/\s+/g, ' ').trim();
      const button = el(
        'button',
        {
          className: 'question-pick',
          attrs: { type: 'button', 'aria-current': index === selected ? 'true' : 'false', 'data-testid': 'question-pick' },
        },
        [
          el('span', { className: 'pick-number', text: `${index + 1}.` }),
          el('span', { className: 'pick-text', text: summary.length > SUMMARY_LENGTH ? `${summary.slice(0, SUMMARY_LENGTH)}…` : summary || '(no text)' }),
          el('span', { className: 'pick-type muted small-text', text: TYPE_LABELS[question?.type ?? 'single'] ?? '' }),
          count ? el('span', { className: 'pick-problems', text: `${count} problem${count === 1 ? '' : 's'}`, attrs: { 'data-testid': 'pick-problems' } }) : null,
        ],
      );
      button.addEventListener('click', () => onSelect(index));
      button.addEventListener('keydown', (event) => {
        if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
        event.preventDefault();
        onMove(index, index + (event.key === 'ArrowUp' ? -1 : 1));
      });
      const item = el('li', { className: 'question-item', attrs: { draggable: 'true', 'data-index': index, 'data-testid': 'question-item' } }, [button]);
      item.addEventListener('dragstart', (event) => {
        dragFrom = index;
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', String(index));
        item.classList.add('dragging');
      });
      item.addEventListener('dragend', () => item.classList.remove('dragging'));
      item.addEventListener('dragover', (event) => {
        if (dragFrom === null) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        item.classList.add('drop-target');
      });
      item.addEventListener('dragleave', () => item.classList.remove('drop-target'));
      item.addEventListener('drop', (event) => {
        event.preventDefault();
        item.classList.remove('drop-target');
        const from = dragFrom ?? Number(event.dataTransfer.getData('text/plain'));
        dragFrom = null;
        if (Number.isInteger(from)) onMove(from, index);
      });
      return item;
    });
    list.replaceChildren(...items);
  }

  /** Puts the focus on question `index`'s button (after a keyboard move). */
  function focus(index) {
    list.querySelectorAll('.question-pick')[index]?.focus();
  }

  return { element: list, render, focus };
}
