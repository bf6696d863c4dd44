// A question's image: dropped on the field or chosen with the file picker, uploaded at once
// (POST /admin/api/banks/images: the server checks the bytes are a PNG, JPEG, WebP or GIF
// and answers with its /media/ URL), then named by the question. Its description (alt
// text) is what a screen reader says and what shows if it cannot load.
import { acceptFileDrop, el } from '/static/shared/dom.js';
import { bankApi } from '../bank-api.js';
import { labelled, textInput } from './fields.js';

export function imageField(draft, index) {
  const question = draft.doc.questions[index];
  // The server's refusal of an upload, apart from the draft's own problem with its image.
  const refusal = el('p', { className: 'field-problem', attrs: { 'data-testid': 'image-refused', role: 'alert' } });
  refusal.hidden = true;
  const problem = el('p', { className: 'field-problem', attrs: { 'data-problem-for': 'image', 'data-testid': 'problem-image' } });
  problem.hidden = true;
  const status = el('p', { className: 'muted small-text', attrs: { role: 'status' } });

  async function upload(file) {
    if (!file) return;
    status.textContent = `Uploading ${file.name}…`;
    const answer = await bankApi.uploadImage(file);
    status.textContent = '';
    refusal.hidden = answer.ok;
    if (!answer.ok) {
      const detail = answer.body.details?.[0]?.message;
      refusal.textContent = `${file.name} was refused: ${detail ? `it ${detail}` : answer.body.message ?? 'it cannot be used'}`;
      return;
    }
    draft.change(null, (doc) => {
      doc.questions[index].image = answer.body.url;
      doc.questions[index].image_alt ??= '';
    });
  }

  const picker = el('input', { attrs: { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp', 'data-testid': 'image-file', 'data-focus-key': 'image-file' } });
  picker.addEventListener('change', () => upload(picker.files?.[0]));
  const zone = el('div', { className: 'image-drop', attrs: { 'data-testid': 'image-drop', 'data-field': 'image' } }, [
    el('p', { text: question.image ? 'Drop another image here to replace it, or' : 'Drop an image here (PNG, JPEG, WebP or GIF, up to 2 MiB), or' }),
    el('label', { className: 'file-button small' }, [document.createTextNode('Choose an image…'), picker]),
  ]);
  acceptFileDrop(zone, upload);

  const parts = [zone, status, refusal, problem];
  if (question.image) {
    const remove = el('button', { text: 'Remove image', className: 'small quiet', attrs: { type: 'button', 'data-testid': 'remove-image', 'data-focus-key': 'remove-image' } });
    remove.addEventListener('click', () =>
      draft.change(null, (doc) => {
        delete doc.questions[index].image;
        delete doc.questions[index].image_alt;
      }),
    );
    const alt = textInput({
      value: question.image_alt ?? '',
      focusKey: 'image-alt',
      attrs: { 'data-testid': 'image-alt', maxlength: 500 },
      onInput: (value) => draft.change(`q${index}:alt`, (doc) => (doc.questions[index].image_alt = value)),
    });
    parts.unshift(
      el('div', { className: 'image-current' }, [
        el('img', { className: 'image-thumb', attrs: { src: question.image, alt: question.image_alt || '', 'data-testid': 'image-thumb' } }),
        remove,
      ]),
    );
    parts.push(labelled('Description of the image (for screen readers)', alt, 'image_alt'));
  }
  return el('fieldset', { className: 'editor-field image-field' }, [el('legend', { text: 'Image (optional)' }), ...parts]);
}
