import type { Modality, Score } from '@biofuse/core';
import { dtwDistance } from './compare/dtw';
import { dtwOptions, enrolUser, scoreAgainstUser, type PopulationSpread, type SignatureUserModel } from './compare/user-model';
import { SVC2004_GLOBAL_WITHIN_SPREAD } from './features/global-spread';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams, type SignatureParams } from './params';
import type { PenTrajectory } from './pen-trajectory';
import { readSignature } from './read/read-signature';
import { checkSameRecipe, decodeSignatureTemplate, encodeSignatureTemplate, extractSignatureTemplate, signatureRecipe, type SignatureRecipe, type SignatureTemplate } from './template';

/**
 * Online signature verification as a biofuse modality: samples are pen trajectories,
 * templates are time functions plus a global vector, two signatures compare by DTW, and
 * several enrolment signatures make a user model with its own score normalisation.
 */
export class SignatureModality implements Modality<PenTrajectory, SignatureTemplate, unknown, SignatureUserModel> {
  readonly name = 'signature' as const;
  /** How this modality's parameters make templates: stored templates made otherwise are refused, not scored on the wrong scale. */
  private readonly recipe: SignatureRecipe;
  constructor(
    readonly params: SignatureParams = DEFAULT_SIGNATURE_PARAMS,
    /** Within-writer spread of the global features; by default the one measured on SVC2004 (SVC2004_GLOBAL_WITHIN_SPREAD). */
    private readonly population: PopulationSpread = SVC2004_GLOBAL_WITHIN_SPREAD,
  ) {
    // Parameters built in code meet parseSignatureParams' checks here: a localScaleExponent of NaN scored every probe NaN.
    parseSignatureParams(params);
    this.recipe = signatureRecipe(params);
  }

  load(input: Buffer | string): Promise<PenTrajectory> {
    return readSignature(input);
  }

  async extract(sample: PenTrajectory): Promise<SignatureTemplate> {
    return extractSignatureTemplate(sample, this.params);
  }

  compare(a: SignatureTemplate, b: SignatureTemplate): Score {
    this.checkMadeHere(a);
    this.checkMadeHere(b);
    const distance = dtwDistance(a.local, b.local, dtwOptions(this.params));
    return { similarity: -distance, distance };
  }

  encode(t: SignatureTemplate): Uint8Array {
    return encodeSignatureTemplate(t);
  }

  decode(b: Uint8Array): SignatureTemplate {
    return decodeSignatureTemplate(b);
  }

  embed(t: SignatureTemplate): Float32Array {
    return t.global;
  }

  enrol(references: readonly SignatureTemplate[]): SignatureUserModel {
    for (const t of references) this.checkMadeHere(t);
    return enrolUser(references, this.params, this.population);
  }

  compareEnrolled(model: SignatureUserModel, probe: SignatureTemplate): Score {
    this.checkMadeHere(probe);
    return scoreAgainstUser(model, probe, this.params);
  }

  private checkMadeHere(t: SignatureTemplate): void {
    checkSameRecipe(this.recipe, t.recipe, "this modality's parameters and the template");
  }
}
