import { checkedSealLength, euclideanLength, isUnitLength, sealTemplate, TEMPLATE_CHECKSUM_BYTES, TemplateFormatError } from '@biofuse/core';

/**
 * What the face modality keeps of a face: one L2-normalised embedding (several models'
 * embeddings concatenated, each scaled by the square root of its weight, so that the cosine
 * of two templates is the weighted mean of the models' cosines) plus each model's raw norm,
 * for the plain euclidean metric. `model` names the configuration that made it and `digest` the
 * models' cards and weights under those names (as a gallery records them, `embeddingId`):
 * templates of different configurations, or of one configuration whose models were retrained or
 * replaced under their names, are never compared.
 */
export interface FaceTemplate {
  readonly model: string;
  /**
   * The first 16 hex digits of the sha256 of the models' cards, weights and fusion weights
   * (FaceRecognizer.embeddingId). Absent in a template made before templates recorded it: such a
   * template cannot be checked against one that has it, and is compared only with its like.
   */
  readonly digest?: string;
  readonly embedding: Float32Array;
  /** Per model, in the order of `model`: the embedding's norm before normalisation. */
  readonly norms: Float32Array;
  /** Per model: where its slice of `embedding` starts (and the next one's start, or the end). */
  readonly offsets: Uint32Array;
}

const MAGIC = 0x42464654; // "BFFT" as a number; little-endian, a file starts "TFFB"
/**
 * 2: version 1's layout sealed with a CRC-32 (about 15 % of single flipped bits in a version-1
 * template decode as a slightly different face). Version-1 templates are still read. The
 * models' digest rides in the model id in both: a decoder that predates it reads the id as a
 * model name no template of its own has, and so refuses to compare it rather than wrongly.
 */
export const FACE_TEMPLATE_VERSION = 2;

/** The oldest version decodeFaceTemplate reads (what a gallery of older templates is opened with). */
export const OLDEST_FACE_TEMPLATE_VERSION = 1;

/** How the model id ends when it records the digest: "<model> sha256:<16 hex digits>". */
const DIGEST_SUFFIX = / sha256:([0-9a-f]{16})$/;
const DIGEST_SUFFIX_LENGTH = ' sha256:'.length + 16;

/** What a template's model id records: its model's name, and its digest where it has one. */
export function faceTemplateId(t: Pick<FaceTemplate, 'model' | 'digest'>): string {
  return t.digest === undefined ? t.model : `${t.model} sha256:${t.digest}`;
}

/**
 * Binary layout, little-endian: magic u32, version u16, model-id length u16, model id (UTF-8:
 * the model's name, then " sha256:" and the digest where the template has one), model count
 * u16, padding to 4 bytes, offsets u32 x (count + 1), norms f32 x count, embedding f32 x
 * offsets[count], then (version 2) the CRC-32 of all bytes before it, u32.
 */
export function encodeFaceTemplate(t: FaceTemplate): Uint8Array {
  // Whatever the decoder would refuse is refused here, before it is stored.
  checkFaceTemplate(t);
  const id = new TextEncoder().encode(faceTemplateId(t));
  if (id.length > 0xffff) throw new TemplateFormatError(`face template: a model id of ${id.length} bytes does not fit its 16-bit length`);
  const count = t.norms.length;
  const dim = t.embedding.length;
  const headerBytes = 4 + 2 + 2 + id.length + 2;
  const pad = (4 - (headerBytes % 4)) % 4;
  const bytes = new Uint8Array(headerBytes + pad + 4 * (count + 1) + 4 * count + 4 * dim + TEMPLATE_CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);
  let o = 0;
  view.setUint32(o, MAGIC, true);
  view.setUint16((o += 4), FACE_TEMPLATE_VERSION, true);
  view.setUint16((o += 2), id.length, true);
  bytes.set(id, (o += 2));
  view.setUint16((o += id.length), count, true);
  o += 2 + pad;
  for (let i = 0; i <= count; i++, o += 4) view.setUint32(o, t.offsets[i], true);
  for (let i = 0; i < count; i++, o += 4) view.setFloat32(o, t.norms[i], true);
  for (let i = 0; i < dim; i++, o += 4) view.setFloat32(o, t.embedding[i], true);
  return sealTemplate(bytes);
}

export function decodeFaceTemplate(bytes: Uint8Array): FaceTemplate {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number, what: string): void => {
    if (bytes.byteLength < n) throw new TemplateFormatError(`face template truncated: ${bytes.byteLength} bytes, ${what} needs ${n}`);
  };
  need(8, 'the header');
  if (view.getUint32(0, true) !== MAGIC) throw new TemplateFormatError('not a biofuse face template (bad magic number)');
  const version = view.getUint16(4, true);
  if (version > FACE_TEMPLATE_VERSION) {
    throw new TemplateFormatError(`face template version ${version} is newer than this biofuse reads (${FACE_TEMPLATE_VERSION}); upgrade biofuse`);
  }
  if (version < 1) throw new TemplateFormatError(`face template version ${version} is not valid`);
  const checksumBytes = checkedSealLength(bytes, version >= 2, 'face template');
  const idLength = view.getUint16(6, true);
  need(8 + idLength + 2, 'the model id');
  const id = new TextDecoder().decode(bytes.subarray(8, 8 + idLength));
  const digest = DIGEST_SUFFIX.exec(id)?.[1];
  const model = digest === undefined ? id : id.slice(0, id.length - DIGEST_SUFFIX_LENGTH);
  const count = view.getUint16(8 + idLength, true);
  const headerBytes = 8 + idLength + 2;
  let o = headerBytes + ((4 - (headerBytes % 4)) % 4);
  need(o + 8 * count + 4, 'the model table');
  const offsets = new Uint32Array(count + 1);
  for (let i = 0; i <= count; i++, o += 4) offsets[i] = view.getUint32(o, true);
  const norms = new Float32Array(count);
  for (let i = 0; i < count; i++, o += 4) norms[i] = view.getFloat32(o, true);
  const dim = offsets[count];
  if (count === 0) throw new TemplateFormatError('face template: no model in its table (corrupt)');
  if (offsets[0] !== 0) throw new TemplateFormatError(`face template: the first model starts at ${offsets[0]}, not 0 (corrupt)`);
  for (let i = 0; i < count; i++) if (offsets[i] >= offsets[i + 1]) throw new TemplateFormatError('face template: model offsets out of order (corrupt)');
  if (bytes.byteLength !== o + 4 * dim + checksumBytes) {
    throw new TemplateFormatError(`face template: expected ${o + 4 * dim + checksumBytes} bytes for a ${dim}-d embedding, got ${bytes.byteLength}`);
  }
  const embedding = new Float32Array(dim);
  for (let i = 0; i < dim; i++, o += 4) embedding[i] = view.getFloat32(o, true);
  const template: FaceTemplate = digest === undefined ? { model, embedding, norms, offsets } : { model, digest, embedding, norms, offsets };
  checkFaceTemplate(template);
  return template;
}

/**
 * The invariants every comparison relies on: a model table of increasing offsets that covers
 * the embedding, finite values, positive raw norms, and a unit-length embedding. Damaged bytes
 * can still decode as floats: one flipped exponent bit made a value 5e37, and the cosine of
 * that template with an unrelated one came out 1, a perfect match. Also for templates a caller
 * hands over as objects (verify), which no decoder has seen.
 */
export function checkFaceTemplate(t: FaceTemplate): void {
  const corrupt = (what: string) => new TemplateFormatError(`face template: ${what} (corrupt)`);
  // A caller's object without one of these (or one read back from JSON, where typed arrays are
  // objects of numbered keys) was a TypeError inside these checks.
  if (typeof t.model !== 'string') throw new TemplateFormatError(`face template: its model is ${describeTemplateField(t.model)}, not a model id`);
  for (const key of ['embedding', 'norms', 'offsets'] as const) {
    const v: unknown = t[key];
    if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) throw new TemplateFormatError(`face template: its ${key} is ${describeTemplateField(v)}, not an array of numbers`);
  }
  // A caller's object: a digest the id could not hold, or one left in the name, would be read back as another template.
  if (t.digest !== undefined && !/^[0-9a-f]{16}$/.test(t.digest)) throw new TemplateFormatError(`face template: digest ${JSON.stringify(t.digest)} is not 16 lowercase hex digits`);
  if (DIGEST_SUFFIX.test(t.model)) throw new TemplateFormatError(`face template: model "${t.model}" ends with a digest; give the name as model and the 16 hex digits as digest`);
  const count = t.norms.length;
  if (count === 0) throw corrupt('no model in its table');
  if (t.offsets.length !== count + 1) throw corrupt(`${count} model norms but ${t.offsets.length} offsets`);
  if (t.offsets[0] !== 0) throw corrupt(`the first model starts at ${t.offsets[0]}, not 0`);
  for (let i = 0; i < count; i++) if (t.offsets[i] >= t.offsets[i + 1]) throw corrupt('model offsets out of order');
  if (t.offsets[count] !== t.embedding.length) throw corrupt(`the model table covers ${t.offsets[count]} values, the embedding has ${t.embedding.length}`);
  for (const [what, values] of [['norm', t.norms], ['embedding value', t.embedding]] as const) {
    const k = values.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) throw new TemplateFormatError(`face template: ${what} ${k} is ${values[k]}, not a finite number (corrupt)`);
  }
  const k = t.norms.findIndex((v) => !(v > 0));
  if (k >= 0) throw corrupt(`model ${k}'s raw norm is ${t.norms[k]}; an embedding's length is positive`);
  const length = euclideanLength(t.embedding);
  if (!isUnitLength(length)) throw corrupt(`the embedding's length is ${length.toPrecision(6)}, not 1`);
}

/** A value for an error message: its type, or the constructor of an object. */
function describeTemplateField(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return typeof v === 'object' ? `an object (${v.constructor?.name ?? 'no prototype'})` : `a ${typeof v}`;
}
