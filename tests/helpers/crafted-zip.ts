/**
 * Zips built byte by byte, for the archives no honest zip tool writes: entries whose
 * headers declare sizes other than their real ones, repeated names, garbled data. Each
 * entry's local header and central-directory record say the same thing unless told not to.
 */

export interface CraftedEntry {
  name: string;
  /** The bytes the entry should hold; deflated unless `stored`. */
  content?: Uint8Array;
  /** Use these compressed bytes instead of deflating `content` (garbled data). */
  rawData?: Uint8Array;
  stored?: boolean;
  /** What the headers declare instead of the real uncompressed size. */
  declaredSize?: number;
  /** What only the local header declares (defaults to `declaredSize`). */
  localDeclaredSize?: number;
}

const encoder = new TextEncoder();

export function craftZip(entries: CraftedEntry[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const content = entry.content ?? new Uint8Array(0);
    const data = entry.rawData ?? (entry.stored ? content : Bun.deflateSync(new Uint8Array(content)));
    const name = encoder.encode(entry.name);
    const crc = Bun.hash.crc32(content);
    const size = entry.declaredSize ?? content.length;
    const method = entry.stored ? 0 : 8;

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x0800, true); // UTF-8 names
    local.setUint16(8, method, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, entry.localDeclaredSize ?? size, true);
    local.setUint16(26, name.length, true);
    locals.push(new Uint8Array(local.buffer), name, data);

    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(8, 0x0800, true);
    central.setUint16(10, method, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, data.length, true);
    central.setUint32(24, size, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), name);
    offset += 30 + name.length + data.length;
  }
  const directorySize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directorySize, true);
  end.setUint32(16, offset, true);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, new Uint8Array(end.buffer)]));
}
