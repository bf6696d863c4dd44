// Redraws a list in place: one element per key, created once, updated after, moved only
// when the order changes. A list that is redrawn on every vote (the Q&A lists) must not
// replace the button under a finger or a mouse between press and release, or the click
// would be lost.

/**
 * @param {HTMLElement} container
 * @param {Array} items in display order
 * @param {(item) => string|number} keyOf
 * @param {(item) => HTMLElement} create a new element for an item
 * @param {(node: HTMLElement, item) => void} update brings an element up to date
 */
export function renderKeyedList(container, items, keyOf, create, update) {
  const existing = new Map([...container.children].map((node) => [node.dataset.key, node]));
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let node = existing.get(key);
    if (node) existing.delete(key);
    else {
      node = create(item);
      node.dataset.key = key;
    }
    update(node, item);
    const expectedPlace = previous ? previous.nextElementSibling : container.firstElementChild;
    if (node !== expectedPlace) container.insertBefore(node, expectedPlace);
    previous = node;
  }
  for (const stale of existing.values()) stale.remove();
}
