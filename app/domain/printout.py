"""A filled instrument as it is printed, built from its schema: sections, answers, tables, repeated blocks and
score matrices. Pure: no Flask, no HTML. Labels come translated through the caller's `tr`, which turns one
msgid into a `Label` (one text per language of the printout, so two languages can stand side by side);
answers are kept exactly as typed.

Schema conventions (forms/README.md): nested objects are sections, arrays of objects are tables (when every
column is short) or repeated blocks, `x-enumLabels` label enum values, `x-showIf` hides what does not apply,
`x-layout: score-matrix` marks a block of scored factors and `x-layout: country-grid` a table whose rows are
sub-objects, `x-computed` fields are recomputed from the answers, `x-socialmap` lists name social-map
organisations. Overzicht 1 has its own layout: both matrices in one table as on paper, with its starting
position and totals.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from . import drawings
from .errors import N_
from .forms import SCORE_WEIGHTS, compute

Label = tuple[str, ...]
Translate = Callable[[str], Label]

YES, NO = N_("Yes"), N_("No")
# Ids that link rows: the printout names the people instead (an ecogram contact keeps a copy of the name).
UNPRINTED = ("row-id", "genogram-person")
DRAWING_SIZE = (660, 700)  # the most a drawing may take on an A4 page, in CSS px
LONG_TEXT_LIMIT = 500  # forms/README.md: single-line strings have maxLength 500, long texts more
MAX_TABLE_COLUMNS = 6


def person_names(data: dict) -> dict:
    """The genogram's people by id (`x-widget: person` and `persons` link them), named as the app shows them:
    the name given, else "#" and their row number."""
    persons = data.get("persons") if isinstance(data, dict) and isinstance(data.get("persons"), list) else []
    names = {}
    for i, row in enumerate(persons):
        if isinstance(row, dict) and isinstance(row.get("id"), str) and row["id"] not in names:
            name = row.get("name")
            names[row.get("id")] = name.strip() if isinstance(name, str) and name.strip() else f"#{i + 1}"
    return names


@dataclass
class Answer:
    """One answer. `kind`: text, longtext, date, number, choice (value: Label), choices (value: [Label]),
    list (value: [str]). `value` is None when nothing was filled in."""

    node: ClassVar[str] = "answer"
    label: Label
    kind: str
    value: Any = None

    @property
    def empty(self) -> bool:
        return self.value is None


@dataclass
class Section:
    """A titled group of items. `collapsed`: nothing in it was filled in and nothing in it is required, so it
    prints as its title and "not filled in" rather than as a list of empty answers."""

    node: ClassVar[str] = "section"
    label: Label | None
    items: list = field(default_factory=list)
    description: Label | None = None
    level: int = 1
    collapsed: bool = False

    @property
    def empty(self) -> bool:
        return all(getattr(item, "empty", False) for item in self.items)


@dataclass
class Table:
    """Rows of answers under column labels; `row_labels` name the rows where the rows are fixed (a grid)."""

    node: ClassVar[str] = "table"
    label: Label | None
    columns: list[Label]
    rows: list[list[Answer]]
    row_labels: list[Label] | None = None


@dataclass
class ScoreRow:
    label: Label
    score: str | None  # "--", "-", "+", "++" or None when not scored
    score_label: Label | None

    @property
    def minus(self) -> int:
        return SCORE_WEIGHTS[self.score] if self.score in ("-", "--") else 0

    @property
    def plus(self) -> int:
        return SCORE_WEIGHTS[self.score] if self.score in ("+", "++") else 0


@dataclass
class ScoreBlock:
    label: Label
    rows: list[ScoreRow]

    @property
    def minus(self) -> int:
        return sum(r.minus for r in self.rows)

    @property
    def plus(self) -> int:
        return sum(r.plus for r in self.rows)

    @property
    def scored(self) -> int:
        return sum(1 for r in self.rows if r.score)


@dataclass
class ScoreMatrix:
    """Factors scored --/-/+/++ in one or more blocks. `start` is a starting-position row above the blocks
    (Overzicht 1: the residence status); `explanations` holds each factor's other answers (its note);
    `summary` holds further computed answers (Overzicht 1: the number of factors scored)."""

    label: Label | None
    blocks: list[ScoreBlock]
    start: list[Answer] = field(default_factory=list)
    explanations: Section | None = None
    summary: list[Answer] = field(default_factory=list)
    layout: str = "score-matrix"
    node: ClassVar[str] = "score-matrix"

    @property
    def minus(self) -> int:
        return sum(b.minus for b in self.blocks)

    @property
    def plus(self) -> int:
        return sum(b.plus for b in self.blocks)


@dataclass
class Drawing:
    """A record drawn (`x-drawing`: genogram, ecogram) as inline SVG markup, its legend in the printout's
    language(s), fitted to the page."""

    node: ClassVar[str] = "drawing"
    kind: str
    label: Label
    svg: str


def _pointer_value(data, pointer: str):
    node = data
    for raw in [p for p in pointer.split("/") if p != ""]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def shown(schema: dict, data: dict) -> bool:
    """Whether `x-showIf` lets the property show; pointers run from the record's root."""
    condition = schema.get("x-showIf")
    if not condition:
        return True
    value = _pointer_value(data, condition.get("field", ""))
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    return True


def _filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def _requires_anything(schema: dict) -> bool:
    """Whether a final record must fill in something of this object (`required` here or in a part of it)."""
    return bool(schema.get("required")) or any(_requires_anything(p) for p in schema.get("properties", {}).values()
                                               if isinstance(p, dict))


def _is_long_text(schema: dict) -> bool:
    return schema.get("x-widget") == "textarea" or schema.get("maxLength", 0) > LONG_TEXT_LIMIT


def _is_short(schema: dict) -> bool:
    """Fits in a table cell: a scalar that is not long text, or a list of such (options, social-map names)."""
    if schema.get("type") == "array":
        return _is_short(schema.get("items", {}))
    return schema.get("type") in ("string", "integer", "number", "boolean") and not _is_long_text(schema)


class _Printout:
    def __init__(self, schema: dict, data: dict, tr: Translate, refer: Callable[[str], dict | None],
                 organisation: Callable[[str], str | None], date: Callable[[str], str]):
        self.schema = schema
        self.date = date
        self.data = data if isinstance(data, dict) else {}
        self.tr = tr
        self.refer = refer
        self.organisation = organisation

    def label(self, schema: dict, fallback: str = "") -> Label:
        return self.tr(schema.get("title") or fallback)

    def description(self, schema: dict) -> Label | None:
        return self.tr(schema["description"]) if schema.get("description") else None

    def option_label(self, schema: dict, value) -> Label:
        """The translated label of an enum value; a value the schema does not know is printed as it is."""
        options, labels = schema.get("enum", []), schema.get("x-enumLabels", [])
        if value in options and options.index(value) < len(labels):
            return self.tr(labels[options.index(value)])
        if schema.get("x-refersTo"):
            return self.referred_label(schema["x-refersTo"], value) or (str(value),)
        return (str(value),)

    def referred_label(self, form_id: str, key) -> Label | None:
        """The label of a field of another instrument (`x-refersTo`): its JSON pointer ("/nl/f3") → "block: factor"."""
        node = self.refer(form_id) if isinstance(key, str) else None
        titles = []
        for part in [p for p in key.split("/") if p] if node else []:
            node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                return None
            titles.append(self.tr(node.get("title", part)))
        if not titles:
            return None
        return tuple(": ".join(t[i] for t in titles) for i in range(len(titles[0])))

    # --- scalars and arrays --------------------------------------------------------------------------------

    def person_name(self, person_id) -> str:
        """The name of the person a link names (`x-widget: person`), as the app shows it."""
        return person_names(self.data).get(person_id, str(person_id)) if isinstance(person_id, str) else str(person_id)

    def answer(self, schema: dict, value, label: Label) -> Answer:
        if schema.get("x-widget") == "person" and _filled(value):
            return Answer(label, "text", self.person_name(value))
        if "x-computed" in schema:
            spec = schema["x-computed"]
            value = compute(spec["op"], spec["of"], self.data)
        if not _filled(value):
            return Answer(label, "longtext" if _is_long_text(schema) else "text")
        kind = schema.get("type")
        if "enum" in schema or schema.get("x-refersTo"):
            return Answer(label, "choice", self.option_label(schema, value))
        if kind == "boolean" or isinstance(value, bool):
            return Answer(label, "choice", self.tr(YES if value else NO))
        if kind in ("integer", "number"):
            return Answer(label, "number", str(value))
        if schema.get("format") == "date":
            return Answer(label, "date", self.date(str(value)))
        return Answer(label, "longtext" if _is_long_text(schema) else "text", str(value))

    def array(self, schema: dict, value, label: Label, level: int):
        items = schema.get("items", {})
        values = value if isinstance(value, list) else []
        if items.get("type") == "object":
            if all(_is_short(p) for p in items.get("properties", {}).values()) \
                    and len(items.get("properties", {})) <= MAX_TABLE_COLUMNS:
                return self.table(items, values, label)
            return self.repeated(schema, items, values, label, level)
        if schema.get("x-widget") == "persons":
            return Answer(label, "list", [self.person_name(v) for v in values if _filled(v)] or None)
        if "enum" in items or items.get("x-refersTo"):
            # A checkbox list's option labels sit on the array (forms/README.md), older schemas had them on items.
            options = {**items, "x-enumLabels": schema.get("x-enumLabels") or items.get("x-enumLabels", [])}
            return Answer(label, "choices", [self.option_label(options, v) for v in values] or None)
        shown_values = [v for v in values if _filled(v)]
        if schema.get("x-socialmap"):
            shown_values = [(self.organisation(v) or v) if isinstance(v, str) else v for v in shown_values]
        return Answer(label, "list", [str(v) for v in shown_values] or None)

    def table(self, items: dict, values: list, label: Label) -> Table | Answer:
        columns = list(items.get("properties", {}).items())
        rows = [[self.node(name, prop, row.get(name) if isinstance(row, dict) else None, 0)
                 for name, prop in columns] for row in values]
        if not rows:
            return Answer(label, "list")
        return Table(label, [self.label(prop, name) for name, prop in columns], rows)

    def country_grid(self, schema: dict, value, label: Label, level: int) -> Section:
        """`x-layout: country-grid`: the sub-objects are the rows, their properties the columns (country of origin,
        Netherlands); the object's other properties follow the grid as usual."""
        value = value if isinstance(value, dict) else {}
        rows = {k: p for k, p in schema.get("properties", {}).items()
                if p.get("type") == "object" and shown(p, self.data)}
        columns: dict[str, dict] = {}
        for row in rows.values():
            columns.update({k: p for k, p in row.get("properties", {}).items() if k not in columns})
        cells = []
        for name, row in rows.items():
            answers = value.get(name) if isinstance(value.get(name), dict) else {}
            cells.append([self.node(k, row.get("properties", {}).get(k, p), answers.get(k), 0)
                          for k, p in columns.items()])
        grid = Table(None, [self.label(p, k) for k, p in columns.items()], cells,
                     row_labels=[self.label(row, name) for name, row in rows.items()])
        rest = self.object_items(schema, value, level + 1, skip=tuple(rows))
        return Section(label, [grid, *rest], self.description(schema), level)

    def repeated(self, schema: dict, items: dict, values: list, label: Label, level: int) -> Section | Answer:
        if not values:
            return Answer(label, "list")
        row_label = self.tr(schema.get("x-rowLabel") or items.get("title") or schema.get("title") or "")
        blocks = [Section(tuple(f"{text} {n}" for text in row_label),
                          self.object_items(items, row, level + 2), level=level + 1)
                  for n, row in enumerate(values, start=1)]
        return Section(label, blocks, level=level)

    # --- objects -------------------------------------------------------------------------------------------

    def node(self, name: str, schema: dict, value, level: int):
        label = self.label(schema, name)
        kind = schema.get("type")
        if kind == "object":
            if schema.get("x-layout") == "score-matrix":
                return self.score_matrix(schema, value, label, level)
            if schema.get("x-layout") == "country-grid":
                return self.country_grid(schema, value, label, level)
            section = Section(label, self.object_items(schema, value, level + 1), self.description(schema), level)
            if section.items and section.empty and not _requires_anything(schema):
                return Section(label, [], section.description, level, collapsed=True)
            return section
        if kind == "array":
            return self.array(schema, value, label, level)
        return self.answer(schema, value, label)

    def object_items(self, schema: dict, value, level: int, skip: tuple = ()) -> list:
        value = value if isinstance(value, dict) else {}
        return [self.node(name, prop, value.get(name), level)
                for name, prop in schema.get("properties", {}).items()
                if name not in skip and shown(prop, self.data) and prop.get("x-widget") not in UNPRINTED]

    # --- score matrices ------------------------------------------------------------------------------------

    def score_block(self, schema: dict, value, label: Label) -> tuple[ScoreBlock, Section]:
        """The block's scores, and its factors' other answers (the notes) as a section."""
        value = value if isinstance(value, dict) else {}
        rows, notes = [], []
        for name, factor in schema.get("properties", {}).items():
            answers = value.get(name) if isinstance(value.get(name), dict) else {}
            factor_label = self.label(factor, name)
            score_schema = factor.get("properties", {}).get("score", {})
            score = answers.get("score") if answers.get("score") in SCORE_WEIGHTS else None
            rows.append(ScoreRow(factor_label, score, self.option_label(score_schema, score) if score else None))
            others = {k: p for k, p in factor.get("properties", {}).items() if k != "score" and shown(p, self.data)}
            if len(others) == 1:  # the usual single note: print it under the factor's own name
                (key, prop), = others.items()
                notes.append(self.answer(prop, answers.get(key), factor_label))
            elif others:
                notes.append(Section(factor_label, self.object_items(factor, answers, 4, skip=("score",)), level=3))
        return ScoreBlock(label, rows), Section(label, notes, level=2)

    def score_matrix(self, schema: dict, value, label: Label, level: int) -> ScoreMatrix:
        block, notes = self.score_block(schema, value, label)
        return ScoreMatrix(label, [block], explanations=Section(None, [notes], level=level))

    def overzicht1(self) -> list:
        """Overzicht 1 as on paper: the starting position, both matrices in one table, totals, explanations.
        Falls back to the generic layout if the schema no longer has the parts this layout expects."""
        props = self.schema.get("properties", {})
        blocks = [k for k, p in props.items() if p.get("x-layout") == "score-matrix"]
        if "status" not in props or len(blocks) != 2:
            return self.object_items(self.schema, self.data, 1)
        start_keys = ("status", "status_other", "status_note")
        start = [self.node(k, props[k], self.data.get(k), 2) for k in start_keys
                 if k in props and shown(props[k], self.data)]
        matrix_blocks, notes = [], []
        for key in blocks:
            block, block_notes = self.score_block(props[key], self.data.get(key), self.label(props[key], key))
            matrix_blocks.append(block)
            notes.append(block_notes)
        totals = props.get("totals", {})
        # The grand totals are drawn from the blocks; other computed totals (factors scored) are listed below.
        summary = [self.answer(p, None, self.label(p, k)) for k, p in totals.get("properties", {}).items()
                   if p.get("x-computed", {}).get("op") == "score_count"]
        matrix = ScoreMatrix(self.label(self.schema), matrix_blocks, start=start,
                             explanations=Section(None, notes, level=1), summary=summary, layout="overzicht-1")
        rest = self.object_items(self.schema, self.data, 1, skip=start_keys + tuple(blocks) + ("totals",))
        return rest + [matrix]


SPECIAL_LAYOUTS = {"overzicht-1": _Printout.overzicht1}


def build(form_id: str, schema: dict, data: dict, tr: Translate,
          refer: Callable[[str], dict | None] = lambda form_id: None,
          organisation: Callable[[str], str | None] = lambda org_id: None,
          date: Callable[[str], str] = lambda iso: iso) -> list:
    """The printable items of one record: Answers, Sections, Tables and ScoreMatrices, in schema order.
    `refer(form_id)` gives the schema of another instrument, for `x-refersTo` answers; `organisation(id)` the
    name of a social-map organisation, for `x-socialmap` answers (the id is printed where it gives none);
    `date(iso)` a date answer as the document's language writes it ("2 maart 2026")."""
    printout = _Printout(schema, data, tr, refer, organisation, date)
    special = SPECIAL_LAYOUTS.get(form_id)
    items = special(printout) if special else printout.object_items(schema, data, 1)
    kind = schema.get("x-drawing")
    if kind:
        def text(msgid: str) -> str:
            return " / ".join(dict.fromkeys(tr(msgid)))

        scene = drawings.scene(kind, printout.data, text, schema)
        items.insert(0, Drawing(kind, tr(schema["title"]), drawings.figure(scene, text(schema["title"]), DRAWING_SIZE)))
    return items
