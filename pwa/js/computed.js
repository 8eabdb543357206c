// Computed fields (`x-computed`, forms/README.md): worked out on the device for live display and again by the
// server, which never trusts a computed value from a client. Mirrors app/domain/forms.py `compute`.

const SCORE_WEIGHTS = { '-': 1, '--': 2, '+': 1, '++': 2 };

// [[path parts], spec] for every property with x-computed, through nested objects (not arrays), as the server.
export function computedFields(schema, path = []) {
  const out = [];
  for (const [name, prop] of Object.entries(schema.properties || {})) {
    if (prop['x-computed']) out.push([[...path, name], prop['x-computed']]);
    if (prop.type === 'object') out.push(...computedFields(prop, [...path, name]));
  }
  return out;
}

function scoresBelow(data, prefix) {
  let node = data;
  for (const part of prefix.split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(part in node)) return [];
    node = node[part];
  }
  const found = [];
  const stack = [node];
  while (stack.length) {
    const current = stack.pop();
    if (current && typeof current === 'object' && !Array.isArray(current)) {
      if (typeof current.score === 'string' && current.score in SCORE_WEIGHTS) found.push(current.score);
      for (const value of Object.values(current)) {
        if (value && typeof value === 'object' && !Array.isArray(value)) stack.push(value);
      }
    }
  }
  return found;
}

export function compute(op, of, data) {
  const scores = of.flatMap((prefix) => scoresBelow(data, prefix));
  const weigh = (sign) => scores.filter((s) => s[0] === sign).reduce((sum, s) => sum + SCORE_WEIGHTS[s], 0);
  if (op === 'score_minus') return weigh('-');
  if (op === 'score_plus') return weigh('+');
  if (op === 'score_count') return scores.length;
  throw new Error(`unknown computed op ${op}`);
}

export function removeComputed(schema, data) {
  for (const [path] of computedFields(schema)) {
    let parent = data;
    for (const part of path.slice(0, -1)) parent = parent && typeof parent === 'object' ? parent[part] : undefined;
    if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete parent[path[path.length - 1]];
  }
}

export function fillComputed(schema, data) {
  for (const [path, spec] of computedFields(schema)) {
    let parent = data;
    for (const part of path.slice(0, -1)) {
      if (!parent[part] || typeof parent[part] !== 'object') parent[part] = {};
      parent = parent[part];
    }
    parent[path[path.length - 1]] = compute(spec.op, spec.of, data);
  }
}
