import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '@biofuse/core';
import { checkThresholdTable, type FaceModelCard, type ThresholdTable } from './embed/card';
import { loadModelCard, modelCardPath, modelFiles } from './embed/registry';

/** One member of a (possibly single-model) embedding configuration. */
export interface ModelMember {
  readonly card: FaceModelCard;
  /** Relative weight of this model's cosine in the fused cosine; weights are normalised to sum 1 (members of weight 0 are left out). */
  readonly weight: number;
}

/**
 * An ensemble card: several embedding models whose embeddings are fused at feature level
 * (weighted concatenation), with thresholds calibrated for the fused score.
 */
export interface EnsembleCard {
  readonly name: string;
  readonly description: string;
  readonly members: readonly { readonly model: string; readonly weight: number }[];
  readonly weightsProvenance?: string;
  readonly thresholds?: ThresholdTable;
}

export type ModelChoice = string | { readonly model: string; readonly weight?: number };

export interface ResolvedModels {
  readonly id: string;
  readonly members: readonly ModelMember[];
  readonly thresholds?: ThresholdTable;
  /** The card file calibration writes to. */
  readonly cardPath?: string;
}

/** Turns `models` (a model, an ensemble card, or a list with weights) into loaded cards. */
export async function resolveModels(models: string | readonly ModelChoice[]): Promise<ResolvedModels> {
  const choice = chosenModels(models);
  if ('members' in choice) {
    const members = await loadMembers(choice.members);
    return { id: members.map((m) => `${m.card.name}*${round(m.weight)}`).join('+'), members };
  }
  const ensemblePath = ensembleCardPath(choice.model);
  if (ensemblePath) {
    const card = await readEnsembleCard(ensemblePath);
    const members = await loadMembers(weightedMembers(card.members, ensemblePath));
    return { id: card.name, members, thresholds: card.thresholds, cardPath: ensemblePath };
  }
  const card = await loadModelCard(choice.model);
  return {
    id: card.name,
    members: [{ card, weight: 1 }],
    thresholds: card.thresholds,
    cardPath: modelCardPath(choice.model),
  };
}

/** A model (or, named alone, an ensemble card) with its weight as given. */
export interface WeightedModel {
  readonly model: string;
  readonly weight: number;
}

/**
 * What a choice of models comes to, by the rule for weights (weightedMembers): one name (a model
 * or an ensemble card), or the members of weight above 0 when two or more are left. One model
 * left, alone or beside models of weight 0, is that model: its id and calibrated thresholds,
 * not a one-member ensemble's. resolveModels, faceModelFiles and the recogniser's option check
 * (checkRecognizerOptions) all go through it. `where` prefixes errors.
 */
export function chosenModels(models: string | readonly ModelChoice[], where = 'face models'): { readonly model: string } | { readonly members: readonly WeightedModel[] } {
  if (typeof models === 'string') return { model: models };
  if (models.length === 0) throw new ConfigError(`${where}: give at least one model`);
  const list = models.map((m) => (typeof m === 'string' ? { model: m, weight: 1 } : { model: m.model, weight: m.weight ?? 1 }));
  const weighted = weightedMembers(list, where);
  return weighted.length === 1 ? { model: weighted[0].model } : { members: weighted };
}

/**
 * The one rule for ensemble weights, of a list of models and of an ensemble card's members
 * alike: each a finite number >= 0, at least one above 0, their sum finite (the weights are
 * divided by it). Returns the members of weight above 0. A member of weight 0 adds nothing to
 * the fused embedding (a slice of zeros): it is not loaded or run. Run, it cost its time, and its
 * failure (a missing file, a face it gave no embedding for) failed the ensemble it contributed
 * nothing to. A lone weight of Infinity (or NaN) was taken as weight 1, and beside others made
 * every normalised weight NaN or 0.
 */
export function weightedMembers<M extends WeightedModel>(members: readonly M[], where: string): M[] {
  const fail = (what: string): never => {
    throw new ConfigError(`${where}: ${what}; weights must be finite numbers >= 0, not all 0`);
  };
  members.forEach((m, i) => {
    if (!(Number.isFinite(m.weight) && m.weight >= 0)) fail(`member ${i} (${m.model}) has weight ${String(m.weight)}`);
  });
  const total = members.reduce((s, m) => s + m.weight, 0);
  if (!(total > 0)) fail('every weight is 0');
  if (!Number.isFinite(total)) fail(`the weights add up to ${total}`);
  return members.filter((m) => m.weight > 0);
}

/** The members' cards, weights normalised to sum 1. `weighted`: weightedMembers' result. */
async function loadMembers(weighted: readonly WeightedModel[]): Promise<ModelMember[]> {
  const total = weighted.reduce((s, m) => s + m.weight, 0);
  const out: ModelMember[] = [];
  for (const m of weighted) out.push({ card: await loadModelCard(m.model), weight: m.weight / total });
  return out;
}

function round(w: number): string {
  return String(Math.round(w * 1000) / 1000);
}

function ensembleCardPath(name: string): string | undefined {
  if (!name.endsWith('.json') || !existsSync(name)) return undefined;
  try {
    return Array.isArray((JSON.parse(readFileSync(name, 'utf8')) as { members?: unknown }).members) ? name : undefined;
  } catch {
    return undefined; // not JSON: loadModelCard reports it
  }
}

/**
 * Reads and checks an ensemble card as model cards are checked: a member without a model name
 * was an internal TypeError, a weight of "1" was concatenated into the total (every cosine
 * scaled by 2/11), a missing name made every nameless ensemble share one model id, and a
 * threshold of 5 decided every pair alike.
 */
async function readEnsembleCard(path: string): Promise<EnsembleCard> {
  const json = JSON.parse(await readFile(path, 'utf8')) as EnsembleCard;
  const fail = (field: string): never => {
    throw new ConfigError(`${path}: missing or invalid "${field}"`);
  };
  if (typeof json.name !== 'string' || json.name === '') fail('name');
  if (!Array.isArray(json.members) || json.members.length === 0) throw new ConfigError(`${path}: an ensemble card needs "members"`);
  json.members.forEach((m: unknown, i) => {
    const member = m as { model?: unknown; weight?: unknown } | null;
    if (typeof member !== 'object' || member === null || typeof member.model !== 'string' || member.model === '') fail(`members.${i}.model`);
    if (typeof (member as { weight?: unknown }).weight !== 'number') fail(`members.${i}.weight (a number >= 0)`);
  });
  // Their values are weightedMembers' to check, as every list of models' are.
  checkThresholdTable(json.thresholds, fail);
  return json;
}

/**
 * The files a choice of models is made of beyond what biofuse ships (see modelFiles): an
 * ensemble card and its members' files, or each listed model's. Those of members of weight 0
 * are left out, as they are not loaded (weightedMembers): none of them makes an embedding.
 */
export async function faceModelFiles(models: string | readonly ModelChoice[]): Promise<string[]> {
  const choice = chosenModels(models);
  const names = 'members' in choice ? choice.members.map((m) => m.model) : [choice.model];
  const files: string[] = [];
  for (const name of names) {
    const ensemble = ensembleCardPath(name);
    if (!ensemble) {
      files.push(...(await modelFiles(name)));
      continue;
    }
    files.push(ensemble);
    for (const member of weightedMembers((await readEnsembleCard(ensemble)).members, ensemble)) files.push(...(await modelFiles(member.model)));
  }
  return files;
}
