/**
 * 1:N signer identification on SVC2004 Task 2: the 40 users enrolled from S1-S5 (the defaults'
 * user models), each genuine S11-S20 searched among them. Reports rank-1 identification and
 * what the lower-bound pruning of identifySigner saves against scoring every user, checking
 * that both give the same candidates.
 *
 * Usage: npx tsx bench/svc2004-identify.ts [--data-root DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { identifySigner, type EnrolledSigner } from '../src/compare/identify';
import { enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { SVC2004_GLOBAL_WITHIN_SPREAD } from '../src/features/global-spread';
import { DEFAULT_SIGNATURE_PARAMS } from '../src/params';
import { extractSignatureTemplate, type SignatureTemplate } from '../src/template';
import { loadSvc2004 } from './svc2004-protocol';

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const params = DEFAULT_SIGNATURE_PARAMS;
const signatures = await loadSvc2004(join(values['data-root'] ?? sharedDatasetsRoot(), 'svc2004-task2'));
const template = (user: number, session: number): SignatureTemplate => {
  const p = signatures.get(`U${user}S${session}.TXT`);
  if (!p) throw new Error(`SVC2004: U${user}S${session}.TXT is missing`);
  return extractSignatureTemplate(p, params);
};
const USERS = Array.from({ length: 40 }, (_, i) => i + 1);
const enrolled: EnrolledSigner<number>[] = USERS.map((id) => ({
  id,
  model: enrolUser([1, 2, 3, 4, 5].map((s) => template(id, s)), params, SVC2004_GLOBAL_WITHIN_SPREAD),
}));
const probes = USERS.flatMap((user) => Array.from({ length: 10 }, (_, k) => ({ user, t: template(user, 11 + k) })));

const scoreEveryone = (t: SignatureTemplate) =>
  enrolled.map((u) => ({ id: u.id, similarity: scoreAgainstUser(u.model, t, params).similarity })).sort((a, b) => b.similarity - a.similarity);
// Both paths warm up (JIT) on the first 40 probes before either is timed.
for (const { t } of probes.slice(0, 40)) {
  scoreEveryone(t);
  identifySigner(t, enrolled, params, 1);
}
let t0 = performance.now();
const exhaustive = probes.map(({ t }) => scoreEveryone(t));
const exhaustiveMs = (performance.now() - t0) / probes.length;

t0 = performance.now();
const pruned = probes.map(({ t }) => identifySigner(t, enrolled, params, 1));
const prunedMs = (performance.now() - t0) / probes.length;

let same = 0;
let rank1 = 0;
let scored = 0;
let runs = 0;
let abandoned = 0;
probes.forEach(({ user }, k) => {
  const top = pruned[k].candidates[0];
  if (top.id === exhaustive[k][0].id && Math.abs(top.score.similarity - exhaustive[k][0].similarity) < 1e-12) same++;
  if (top.id === user) rank1++;
  scored += pruned[k].usersScored;
  runs += pruned[k].dtwRuns;
  abandoned += pruned[k].dtwAbandoned;
});
const n = probes.length;
console.log(`SVC2004 Task 2, 1:N over ${enrolled.length} users (5 enrolment signatures each), ${n} genuine probes (S11-S20)`);
console.log(`rank-1 identification ${((100 * rank1) / n).toFixed(2)} %`);
const dtwPerProbe = enrolled.reduce((a, u) => a + u.model.references.length, 0);
console.log(`exhaustive: ${dtwPerProbe} full DTW alignments, ${exhaustiveMs.toFixed(1)} ms per probe`);
console.log(
  `pruned: ${(runs / n).toFixed(1)} DTW alignments started per probe, ${(abandoned / n).toFixed(1)} of them abandoned early; ${(scored / n).toFixed(1)} users scored in full; ${prunedMs.toFixed(1)} ms per probe (${(exhaustiveMs / prunedMs).toFixed(2)}x)`,
);
console.log(`same top candidate and score as exhaustive: ${same} of ${n}`);
