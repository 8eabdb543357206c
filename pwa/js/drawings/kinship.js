// The links of a genogram (version 2) that make no family tree, as the server finds them: a port of
// app/domain/kinship.py (tests/browser/test_drawing_parity.py holds the two to the same errors). Each error names
// the JSON pointer of the link at fault; the record has already passed its schema.
const UNKNOWN = 'No family member has this id.';
const DUPLICATE = 'Two family members have the same id.';
const OWN_PARENT = 'No one can be their own parent.';
const CYCLE = 'These parent links go round in a circle: someone would be their own ancestor.';
const SAME_PERSON = 'A line joins two different people.';

const error = (path, message) => ({ path, message, params: {} });

function rowsOf(data, key) {
  const rows = data && Array.isArray(data[key]) ? data[key] : [];
  return rows.map((r) => (r && typeof r === 'object' && !Array.isArray(r) ? r : {}));
}

export function linkErrors(data) {
  const persons = rowsOf(data, 'persons');
  const ids = new Map();
  persons.forEach((p, i) => {
    if (typeof p.id === 'string' && !ids.has(p.id)) ids.set(p.id, i);
  });
  const errors = [];
  persons.forEach((p, i) => {
    if (typeof p.id === 'string' && ids.get(p.id) !== i) errors.push(error(`/persons/${i}/id`, DUPLICATE));
  });
  const check = (value, path) => {
    if (typeof value === 'string' && !ids.has(value)) {
      errors.push(error(path, UNKNOWN));
      return false;
    }
    return typeof value === 'string';
  };
  const parents = new Map(); // child id -> [[parent id, pointer of the link]]
  persons.forEach((person, i) => {
    (Array.isArray(person.parents) ? person.parents : []).forEach((parent, j) => {
      const path = `/persons/${i}/parents/${j}`;
      if (!check(parent, path)) return;
      if (parent === person.id) errors.push(error(path, OWN_PARENT));
      else if (typeof person.id === 'string' && ids.get(person.id) === i) {
        if (!parents.has(person.id)) parents.set(person.id, []);
        parents.get(person.id).push([parent, path]);
      }
    });
  });
  errors.push(...cycleLinks(parents).map((path) => error(path, CYCLE)));
  check(data.client, '/client');
  for (const [key, ends] of [['partners', ['first', 'second']], ['relations', ['from', 'to']]]) {
    rowsOf(data, key).forEach((row, i) => {
      const known = ends.map((end) => check(row[end], `/${key}/${i}/${end}`));
      if (known.every(Boolean) && row[ends[0]] === row[ends[1]]) errors.push(error(`/${key}/${i}/${ends[1]}`, SAME_PERSON));
    });
  }
  rowsOf(data, 'events').forEach((event, i) => {
    (Array.isArray(event.persons) ? event.persons : []).forEach((id, j) => check(id, `/events/${i}/persons/${j}`));
  });
  return errors;
}

function cycleLinks(parents) {
  const state = new Map();
  const found = [];
  const row = (path) => Number(path.split('/')[2]);
  for (const start of parents.keys()) {
    if (state.get(start)) continue;
    const stack = [[start, parents.get(start)[Symbol.iterator](), null]];
    state.set(start, 1);
    while (stack.length) {
      const [node, links] = stack[stack.length - 1];
      let descended = false;
      for (let next = links.next(); !next.done; next = links.next()) {
        const [parent, path] = next.value;
        if (state.get(parent) === 1) {
          const onPath = stack.map(([n]) => n);
          const circle = [...stack.slice(onPath.indexOf(parent) + 1).map(([, , led]) => led), path];
          found.push(circle.reduce((best, p) => (row(p) < row(best) ? p : best)));
        } else if (!state.get(parent)) {
          state.set(parent, 1);
          stack.push([parent, (parents.get(parent) || [])[Symbol.iterator](), path]);
          descended = true;
          break;
        }
      }
      if (!descended) {
        state.set(node, 2);
        stack.pop();
      }
    }
  }
  return found;
}
