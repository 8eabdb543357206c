// Overzicht 1 over time, worked out on the device from the case's final records: a port of
// app/domain/scores.py `overzicht1_history`, for the chart in the case view.
import { compute } from './computed.js';

export const SCORE_VALUES = { '--': -2, '-': -1, '+': 1, '++': 2 };
export const OVERZICHT_1 = 'overzicht-1';

// The date the client scored (`scored_on`), else the day the record was saved.
function scoringDate(record) {
  const scored = (record.data || {}).scored_on;
  if (typeof scored === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(scored)) return scored;
  return (record.saved_at || '').slice(0, 10);
}

function scoreBlocks(schema) {
  return Object.entries(schema.properties || {}).filter(([, p]) => p['x-layout'] === 'score-matrix');
}

// The case's final Overzicht 1 records, oldest scoring first (drafts would show a half-finished scoring
// as a change).
export function finalScorings(records) {
  const key = (r) => `${scoringDate(r)} ${r.saved_at || ''}`;
  return records.filter((r) => r.form_id === OVERZICHT_1 && r.status === 'final')
    .sort((a, b) => key(a).localeCompare(key(b)));
}

// {scorings: [{record_id, date, occasion, minus, plus}], blocks: [{key, title, factors: [{pointer, title,
// scores: [-2..2 | null per scoring]}]}]} with `schema` the current overzicht-1.
export function overzicht1History(records, schema) {
  const blocks = scoreBlocks(schema);
  const scorings = finalScorings(records);
  const pointers = blocks.map(([key]) => `/${key}`);
  return {
    scorings: scorings.map((r) => ({ record_id: r.id, date: scoringDate(r), occasion: r.data.occasion,
      minus: compute('score_minus', pointers, r.data), plus: compute('score_plus', pointers, r.data) })),
    blocks: blocks.map(([key, block]) => ({
      key,
      title: block.title,
      factors: Object.entries(block.properties || {}).map(([factorKey, factor]) => ({
        pointer: `/${key}/${factorKey}`,
        title: factor.title,
        scores: scorings.map((r) => {
          const answer = ((r.data || {})[key] || {})[factorKey];
          return answer && answer.score in SCORE_VALUES ? SCORE_VALUES[answer.score] : null;
        }),
      })),
    })),
  };
}
