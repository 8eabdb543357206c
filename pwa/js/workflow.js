// The methodology's steps and where a case stands on them, worked out on the device so the case view works
// offline. A port of `case_progress` in app/domain/workflow.py (the browser test compares both); the moves
// between steps and their guards stay on the server, which decides every step change.
// Titles are msgids of the server's `messages` domain: the device's catalog holds every domain, so t() finds
// them without copies in the `pwa` domain.

const step = (id, number, phase, title) => ({ id, number, phase, title });

export const STEPS = [
  step('NL-1', 1, 'nl', 'First needs and safety'),
  step('NL-2', 2, 'nl', 'First counselling talks and information'),
  step('NL-3', 3, 'nl', 'Strengths inventory: inventorying wishes, ambitions, strengths and resources'),
  step('NL-4', 4, 'nl', 'Action plan for short-term goals'),
  step('NL-5', 5, 'nl', 'Future conversation'),
  step('NL-6', 6, 'nl', 'Supplementing the action plan for short-term goals'),
  step('NL-7', 7, 'nl', 'Interim changes and evaluation'),
  step('NL-8', 8, 'nl', 'Provisional decision'),
  step('NL-9', 9, 'nl', 'Back to the action plan for short-term goals'),
  step('NL-10', 10, 'nl', 'Personal Return Action Plan'),
  step('NL-11', 11, 'nl', 'Update of the risk inventory'),
  step('NL-12', 12, 'nl', 'Handover, departure, reception and monitoring'),
  step('R-1', 1, 'abroad', 'Attention to safety and first necessities of life'),
  step('R-2', 2, 'abroad', 'Legal matters'),
  step('R-3', 3, 'abroad', 'Strengths inventory'),
  step('R-4', 4, 'abroad', 'Setting goals and making an action plan'),
  step('R-5', 5, 'abroad', 'Strengthening personal and social resources'),
  step('R-6', 6, 'abroad', 'Monitoring'),
];

export const PHASES = [
  { id: 'nl', title: 'Shelter and support in the Netherlands' },
  { id: 'abroad', title: 'Re-integration in the country of origin' },
];

// Where a case ends (nothing follows them).
export const END_STATES = {
  closed_stay_permit: 'Closed: stays in the Netherlands with a residence permit',
  closed_stay_litigating: 'Closed: stays in the Netherlands and continues the legal procedures',
  closed_irregular_stay: 'Closed: stays in the Netherlands without lawful residence',
  closed_family_location_or_vbl: 'Closed: moved to a family location or a freedom-restricting location',
  closed_quiet_departure: 'Closed: departed without support',
  closed_returned_no_partner: 'Closed: returned without a partner organisation',
  closed_after_monitoring: 'Closed: monitoring after the return has ended',
  closed_other: 'Closed for another reason',
};

// The msgid naming a step or an end state.
export function stateTitle(state) {
  const found = STEPS.find((s) => s.id === state);
  return found ? found.title : END_STATES[state] || state;
}

// The steps a record counts for: the one its step field names, else every step of its instrument.
function countsFor(schema, record) {
  const steps = schema['x-step'] || [];
  const field = schema['x-stepField'];
  const chosen = field ? (record.data || {})[field] : undefined;
  return steps.includes(chosen) ? [chosen] : steps;
}

// `forms`: [{id, schema}] of the current instruments, in list order; `records`: the case's records on the
// device; `visited`: steps the case has been in (from the last overview the server sent). Returns
// {current, closed, steps: [{id, number, phase, title, current, visited,
//   instruments: [{form_id, schema, status: final|draft|missing|optional, records}]}]}.
export function caseProgress(current, records, forms, visited = []) {
  const perStep = new Map();
  const schemaOf = new Map(forms.map((f) => [f.id, f.schema]));
  for (const record of records) {
    const schema = schemaOf.get(record.form_id);
    if (!schema) continue;
    for (const stepId of countsFor(schema, record)) {
      const key = `${stepId} ${record.form_id}`;
      perStep.set(key, [...(perStep.get(key) || []), record]);
    }
  }
  const seen = new Set([...visited, current]);
  const steps = STEPS.map((s) => {
    const instruments = forms.filter((f) => (f.schema['x-step'] || []).includes(s.id)).map((f) => {
      const found = (perStep.get(`${s.id} ${f.id}`) || [])
        .sort((a, b) => (b.saved_at || '').localeCompare(a.saved_at || ''));
      let status;
      if (found.some((r) => r.status === 'final')) status = 'final';
      else if (found.length) status = 'draft';
      else status = (f.schema['x-optionalIn'] || []).includes(s.id) ? 'optional' : 'missing';
      return { form_id: f.id, schema: f.schema, status, records: found };
    });
    return { ...s, current: s.id === current, visited: seen.has(s.id), instruments };
  });
  return { current, closed: current in END_STATES, steps };
}
