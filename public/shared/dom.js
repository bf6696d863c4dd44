// The few DOM helpers the pages share. `el` only ever sets text, never HTML: names and
// question text typed by students and pool authors stay inert.

export const $ = (id) => document.getElementById(id);

/** Creates an element with text (never HTML), a class, attributes and children. */
export function el(tag, { text, className, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) if (child) node.append(child);
  return node;
}

/** Makes `zone` take a dropped file: marked `dragging` while one hovers, `onFile` gets the first. */
export function acceptFileDrop(zone, onFile) {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    onFile(event.dataTransfer?.files?.[0]);
  });
}
