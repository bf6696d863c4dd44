// The console's calls to /admin/api/banks…: one place that knows the routes, and turns
// every answer into { ok, status, body } (a network failure is status 0).

async function call(method, path, body, contentType = 'application/json') {
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = contentType;
    init.body = body instanceof Blob ? body : JSON.stringify(body);
  }
  const response = await fetch(`/admin/api/banks${path}`, init).catch(() => null);
  if (!response) return { ok: false, status: 0, body: { message: 'The server cannot be reached; nothing was changed.' } };
  const parsed = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body: parsed };
}

export const bankApi = {
  list: () => call('GET', ''),
  get: (id) => call('GET', `/${id}`),
  create: (pool) => call('POST', '', pool),
  // The bytes as they are; the file's name may tell the server its format.
  upload: (file) => call('POST', `?filename=${encodeURIComponent(file.name)}`, file, 'application/octet-stream'),
  save: (id, pool) => call('PUT', `/${id}`, pool),
  rename: (id, title) => call('POST', `/${id}/rename`, { title }),
  duplicate: (id) => call('POST', `/${id}/duplicate`),
  play: (id) => call('POST', `/${id}/play`),
  remove: (id) => call('DELETE', `/${id}`),
  uploadImage: (file) => call('POST', '/images', file, file.type || 'application/octet-stream'),
  downloadUrl: (id, format) => `/admin/api/banks/${id}/download?format=${format}`,
};

/** "3 problems" etc. */
export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
