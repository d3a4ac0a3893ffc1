// The handbook's own file format for Decap CMS, and the preview beside each form.
//
// Decap's own YAML format drops the schema line, re-wraps long text at 80 columns and writes "" for a field
// that was cleared. Ours writes a file the way the handbook keeps it:
// - the schema line first (`# yaml-language-server: $schema=…`), so text editors still check the file;
// - keys in the models' order (formats.json, written by `handbook cms` from generator/models.py);
// - long text on one line, however long; text of several lines as a `|` block;
// - nothing for a cleared field, an empty list or an unticked box that is off unless ticked;
// - quotes where YAML 1.1 (what the generator's reader speaks) would otherwise read a word as something else,
//   such as `no` or `on`; dates are left bare.
// `handbook cms --normalise` runs the same code over every file once (normalise.js), so a save in the editor
// then changes only the lines that were edited.
//
// Lists whose entries are named by an id (sources.yml, reading ease per language) are maps in the file and
// lists of entries in the form, each with its id as a field: no form widget can edit a map's keys.

const NO_TIMESTAMPS = (tags) => tags.filter((tag) => tag.tag !== "tag:yaml.org,2002:timestamp");
const READ = { version: "1.1", customTags: NO_TIMESTAMPS };
const WRITE = { ...READ, lineWidth: 0, minContentWidth: 0, blockQuote: "literal", indentSeq: true };

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

function isEmpty(value) {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "")
    || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
}

function cleanText(text) {
  if (!text.includes("\n")) return text.trim();
  // Several lines: no spaces at line ends (they would force a quoted, escaped string), one newline at the end.
  return text.replace(/[ \t]+$/gm, "").replace(/^\n+/, "").replace(/\n*$/, "\n");
}

// The file's data → what the form edits: maps of ids become lists of entries.
function toForm(value, shape) {
  if (!shape) return value;
  if (shape.map && isObject(value)) {
    return Object.entries(value).map(([key, entry]) => (shape.value
      ? { [shape.map]: key, [shape.value]: entry }
      : { [shape.map]: key, ...toForm(entry, shape.of) }));
  }
  if (shape.list && Array.isArray(value)) return value.map((entry) => toForm(entry, shape.list));
  if (shape.keys && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, toForm(v, shape.fields[key])]));
  }
  return value;
}

// What the form holds → the file's data: in the models' order, with nothing empty.
function toData(value, shape) {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) {
    if (shape && shape.map) {
      const map = {};
      for (const entry of value) {
        if (!isObject(entry) || isEmpty(entry[shape.map])) continue;
        const key = String(entry[shape.map]).trim();
        const rest = Object.fromEntries(Object.entries(entry).filter(([k]) => k !== shape.map));
        const data = shape.value ? toData(rest[shape.value]) : toData(rest, shape.of);
        if (!isEmpty(data)) map[key] = data;
      }
      return map;
    }
    return value.map((entry) => toData(entry, shape && shape.list)).filter((entry) => !isEmpty(entry));
  }
  if (isObject(value)) {
    const known = shape && shape.keys ? shape.keys : [];
    const keys = [...known.filter((key) => key in value), ...Object.keys(value).filter((k) => !known.includes(k))];
    const data = {};
    for (const key of keys) {
      const v = toData(value[key], shape && shape.fields ? shape.fields[key] : undefined);
      if (isEmpty(v)) continue;
      if (shape && shape.defaults && key in shape.defaults && shape.defaults[key] === v) continue;
      data[key] = v;
    }
    return data;
  }
  return value;
}

export function makeFormats(YAML, spec) {
  const formats = {};
  for (const [name, format] of Object.entries(spec.formats)) {
    const shape = spec.shapes[format.shape];
    formats[name] = {
      fromFile(text) {
        const data = YAML.parse(text, READ) ?? {};
        return shape.root ? { entries: toForm(data, shape) } : toForm(data, shape);
      },
      toFile(data) {
        const fileData = toData(shape.root ? (data.entries ?? []) : data, shape);
        const body = isEmpty(fileData) ? "" : YAML.stringify(fileData, WRITE);
        return `${format.modeline}\n${body}`;
      },
    };
  }
  return formats;
}

// Where the preview of an entry is: `{slug}/` in the handbook, or `office:SLUG:…` in an office's.
export function previewAddress(pattern, slug, local) {
  let path = pattern.replace("{slug}", slug === "index" ? "" : slug).replace(/^index\/$/, "");
  const office = /^office:([^:]+):(.*)$/.exec(path);
  if (office) {
    if (local.preview && local.office === office[1]) {
      path = office[2];  // `handbook edit --office SLUG`: the live preview is this office's handbook
    } else if (local.preview) {
      return { office: office[1] };  // the live preview is the base handbook's, or another office's
    } else {
      path = `${office[1]}/${office[2]}`;  // published: each office's handbook is under its slug
    }
  }
  return { address: `${local.preview || "../"}${path}` };
}

export function register(CMS, YAML, spec, local) {
  for (const [name, format] of Object.entries(makeFormats(YAML, spec))) {
    CMS.registerCustomFormat(name, "yml", format);
  }
  const h = window.h;
  const Preview = window.createClass({
    render() {
      const collection = this.props.collection.get("name");
      const slug = this.props.entry.get("slug") || "";
      const pattern = spec.previews[collection] ?? spec.previews[slug] ?? "";
      const where = previewAddress(pattern, slug, local);
      const style = { font: "16px/1.5 system-ui, sans-serif", margin: "0 0 8px", color: "#222" };
      if ("preview" in local && !local.preview) {
        return h("p", { style }, "The live preview is off (handbook edit --no-preview). Start the editor without "
          + "--no-preview to see each page beside its form.");
      }
      if (where.office) {
        return h("p", { style }, `This page is part of the office ${where.office}'s handbook, and the preview `
          + `here shows ${local.office ? `the office ${local.office}'s` : "the base"} handbook. To see this page `
          + `beside its form, start the editor with: handbook edit --office ${where.office}`);
      }
      return h("div", { style: { height: "100%" } },
        h("p", { style }, "The page as the handbook shows it now, with any problems found at the top. "
          + "It changes when you publish."),
        h("iframe", { src: where.address, title: "The page in the handbook",
          style: { width: "100%", height: "85vh", border: "1px solid #888" } }));
    },
  });
  for (const name of Object.keys(spec.previews)) CMS.registerPreviewTemplate(name, Preview);
}
