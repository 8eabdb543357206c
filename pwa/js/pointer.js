// JSON Pointers (RFC 6901): how the schema, the validator, the renderer and the server name a place in a record.

export function parse(pointer) {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function join(parts) {
  return parts.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function child(pointer, key) {
  return pointer + join([key]);
}

export function getAt(data, pointer) {
  let node = data;
  for (const part of parse(pointer)) {
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

// Sets a value, creating objects on the way; `undefined` removes the key (an empty answer is no answer).
export function setAt(data, pointer, value) {
  const parts = parse(pointer);
  let node = data;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') {
      if (value === undefined) return;
      node[part] = {};
    }
    node = node[part];
  }
  const last = parts[parts.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
}

// The schema node that describes the value at `pointer` (array indices step into `items`).
export function schemaAt(schema, pointer) {
  let node = schema;
  for (const part of parse(pointer)) {
    if (!node) return undefined;
    if (node.type === 'array' || node.items) node = node.items;
    else node = (node.properties || {})[part];
  }
  return node;
}
