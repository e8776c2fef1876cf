// The safetensors file format (Hugging Face), float32 only: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}} padded with spaces to a
// multiple of 8, then the tensors' raw little-endian bytes, back to back, offsets counted from the end of the header.

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array; // row-major, shape's product long
}

export interface Safetensors {
  tensors: NamedTensor[]; // in file order
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SafetensorsError";
  }
}

const METADATA = "__metadata__";
const MAX_HEADER = 100_000_000; // as the reference implementation
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The bytes of a safetensors file holding these float32 tensors, in this order, and string metadata. */
export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA] = metadata;
  let offset = 0;
  for (const {name, shape, data} of tensors) {
    if (name in header) throw new SafetensorsError(`tensor name ${JSON.stringify(name)} is used twice`);
    if (data.length !== size(shape)) {
      throw new SafetensorsError(`tensor ${name} has ${data.length} values but shape [${shape}] needs ${size(shape)}`);
    }
    header[name] = {dtype: "F32", shape, data_offsets: [offset, offset + 4 * data.length]};
    offset += 4 * data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  json = Uint8Array.from({length: padded}, (_, i) => (i < json.length ? json[i] : 0x20)); // spaces
  const bytes = new Uint8Array(8 + padded + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(json, 8);
  let at = 8 + padded;
  for (const {data} of tensors) {
    bytes.set(littleEndianBytes(data), at);
    at += 4 * data.length;
  }
  return bytes;
}

/** The metadata of a safetensors file, from its header alone (no tensor is read); throws SafetensorsError. */
export const safetensorsMetadata = (bytes: Uint8Array): Record<string, string> => readHeader(bytes).metadata;

/** The tensors and metadata of a safetensors file; throws SafetensorsError saying what is wrong. */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  const {metadata, entries, dataStart} = readHeader(bytes);
  const found = Object.entries(entries).map(([name, entry]) => ({name, ...checkEntry(name, entry)}));
  found.sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const {name, begin, end} of found) {
    if (begin !== expected) {
      throw new SafetensorsError(
        `tensor ${name} starts at byte ${begin} of the data, expected ${expected} (no gaps or overlaps)`
      );
    }
    expected = end;
  }
  const dataLength = bytes.length - dataStart;
  if (expected !== dataLength) {
    const what = expected > dataLength ? "truncated" : "has trailing bytes";
    throw new SafetensorsError(
      `file ${what}: the header describes ${expected} bytes of data, the file holds ${dataLength}`
    );
  }
  const tensors = found.map(({name, shape, begin, end}) => ({
    name,
    shape,
    data: float32s(bytes.subarray(dataStart + begin, dataStart + end))
  }));
  return {tensors, metadata};
}

/** The header of a safetensors file: its metadata, its tensor entries (not yet checked) and where the data starts. */
function readHeader(bytes: Uint8Array) {
  if (bytes.length < 8) throw new SafetensorsError(`not a safetensors file: ${bytes.length} bytes, too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    throw new SafetensorsError(
      `not a safetensors file, or truncated: header length ${headerLength} exceeds the ${bytes.length - 8} bytes after it`
    );
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", {fatal: true}).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    throw new SafetensorsError(`not a safetensors file: the header is not JSON (${(error as Error).message})`);
  }
  if (!isObject(header)) throw new SafetensorsError("not a safetensors file: the header is not a JSON object");
  const {[METADATA]: metadata = {}, ...entries} = header;
  if (!isObject(metadata) || Object.values(metadata).some((v) => typeof v !== "string")) {
    throw new SafetensorsError(`${METADATA} must map names to strings`);
  }
  return {metadata: metadata as Record<string, string>, entries, dataStart};
}

function checkEntry(name: string, entry: unknown): {shape: number[]; begin: number; end: number} {
  if (!isObject(entry)) throw new SafetensorsError(`tensor ${name}: entry is not an object`);
  const {dtype, shape, data_offsets: offsets} = entry;
  if (dtype !== "F32")
    throw new SafetensorsError(`tensor ${name} has dtype ${JSON.stringify(dtype)}, only "F32" is supported`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(`tensor ${name}: shape ${JSON.stringify(shape)} is not a list of sizes`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new SafetensorsError(`tensor ${name}: data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (end - begin !== 4 * size(shape)) {
    throw new SafetensorsError(
      `tensor ${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape}] needs ${4 * size(shape)}`
    );
  }
  return {shape, begin, end};
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** A copy of little-endian float32 bytes as a Float32Array (the copy also fixes alignment). */
function float32s(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  }
  return out;
}

function littleEndianBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}
