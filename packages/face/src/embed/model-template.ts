import { ARCFACE_112, dlibChipTemplate, scaleTemplate, type LandmarkTemplate } from '../align/templates';
import type { FaceModelCard } from './card';

/** The landmark template a model's crops are aligned to, at the model's input size. */
export function modelTemplate(card: FaceModelCard): LandmarkTemplate {
  const { width, height } = card.input;
  const alignment = card.alignment;
  const base = alignment.template === 'arcface' ? ARCFACE_112 : dlibChipTemplate(width, alignment.padding);
  return scaleTemplate(base, width, height, alignment.zoom ?? 1);
}
