// The editor's working copy of one bank: every change goes through `change`, which keeps
// the state before it for undo and writes the draft to localStorage, so a closed tab or a
// reload loses nothing. Typing in one field is one change (one undo step), not one per key.

const PREFIX = 'quiz-editor-draft:';
const HISTORY_LIMIT = 100;

/** The draft kept for `bankId`, or null. */
export function readKeptDraft(bankId) {
  try {
    const kept = JSON.parse(localStorage.getItem(PREFIX + bankId) ?? 'null');
    return kept && typeof kept.doc === 'object' && Array.isArray(kept.doc?.questions) ? kept : null;
  } catch {
    return null;
  }
}

export function forgetDraft(bankId) {
  localStorage.removeItem(PREFIX + bankId);
}

/**
 * A working copy of `doc`. `onChange({ structural, focus })` runs after each change:
 * structural when more than a field's text changed (undo, a question added, a type
 * changed), so the editor redraws its form (and moves the focus to `focus`, a focus key).
 */
export function createDraft(bankId, doc, { selected = 0, baseUpdatedAt, onChange }) {
  let current = structuredClone(doc);
  let selectedIndex = selected;
  let lastKey = null;
  const history = [];

  function keep() {
    try {
      localStorage.setItem(
        PREFIX + bankId,
        JSON.stringify({ doc: current, selected: selectedIndex, kept_at: Date.now(), base_updated_at: baseUpdatedAt }),
      );
    } catch {
      // Storage full or disabled: the editor still works, without the safety net.
    }
  }

  return {
    get doc() {
      return current;
    },
    get selected() {
      return Math.min(selectedIndex, current.questions.length - 1);
    },
    select(index) {
      selectedIndex = index;
      lastKey = null;
      keep();
    },
    /**
     * Applies `mutate(doc)`. Changes with the same `key` in a row (typing in one field)
     * are one undo step; `key: null` is always a step of its own and redraws the form.
     */
    change(key, mutate, { focus } = {}) {
      if (key === null || key !== lastKey) {
        history.push({ doc: JSON.stringify(current), selected: selectedIndex });
        if (history.length > HISTORY_LIMIT) history.shift();
      }
      lastKey = key;
      mutate(current);
      keep();
      onChange({ structural: key === null, focus });
    },
    get canUndo() {
      return history.length > 0;
    },
    undo() {
      const previous = history.pop();
      if (!previous) return false;
      current = JSON.parse(previous.doc);
      selectedIndex = previous.selected;
      lastKey = null;
      keep();
      onChange({ structural: true });
      return true;
    },
    /** After a save: the stored bank is the draft, so none is kept (until the next change). */
    saved(updatedAt) {
      baseUpdatedAt = updatedAt;
      forgetDraft(bankId);
    },
  };
}
