// Rewrites files the way the editor saves them (handbook.js), so that a save then changes only what was
// edited. Run by `handbook cms --normalise` (and `--check`), which passes, on standard input, the formats and
// the files: {"spec": <formats.json>, "files": [[path, format name], …], "check": true|false}.
// Prints each file that is (or would be) rewritten; exits 1 when checking and a file is not yet normalised.
import { readFileSync, writeFileSync } from "node:fs";
import YAML from "yaml";
import { makeFormats } from "./handbook.js";

const request = JSON.parse(readFileSync(0, "utf8"));
const formats = makeFormats(YAML, request.spec);
let changed = 0;
for (const [path, name] of request.files) {
  const text = readFileSync(path, "utf8");
  const format = formats[name];
  const written = format.toFile(format.fromFile(text));
  if (written !== text) {
    changed += 1;
    console.log(path);
    if (!request.check) writeFileSync(path, written);
  }
}
process.exitCode = request.check && changed ? 1 : 0;
