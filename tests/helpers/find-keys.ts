/** Every (path, value) in a JSON value whose key is one of `keys`, at any depth. */
export function findKeys(value: unknown, keys: readonly string[], path = ''): Array<{ path: string; value: unknown }> {
  const found: Array<{ path: string; value: unknown }> = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => found.push(...findKeys(item, keys, `${path}/${index}`)));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (keys.includes(key)) found.push({ path: `${path}/${key}`, value: child });
      found.push(...findKeys(child, keys, `${path}/${key}`));
    }
  }
  return found;
}
