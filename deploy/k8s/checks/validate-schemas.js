// Validates rendered Kubernetes objects offline, with no cluster: each object against the
// OpenAPI schema of its kind that the npm package kubernetes-models carries, and then against
// the field names of its type declarations. The second pass is needed because the schemas
// allow properties they do not list, so a misspelt `readinesProbe` would pass the first.
//
//   NODE_PATH=<folder with kubernetes-models and yaml> node validate-schemas.js FILE.yaml...
//
// Prints one line per failure and exits 1 when there is any.
"use strict";
const fs = require("fs");
const path = require("path");
const { readRendered, describe } = require("./rendered");

const modelsRoot = path.dirname(require.resolve("kubernetes-models/package.json"));
const apimachineryRoot = path.dirname(
  require.resolve("@kubernetes-models/apimachinery/package.json", { paths: [modelsRoot] }));

// --- the model class of an apiVersion and kind -------------------------------------------

function modelOf(apiVersion, kind) {
  let group;
  try {
    group = require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return null;
  }
  return group[kind] || null;
}

// --- field names from the .d.ts declarations ---------------------------------------------
// Each declaration file holds `export interface IFoo { "field"?: Type; ... }` and exports it
// under its long name (IIoK8sApiCoreV1Foo), which is how other files refer to it.

const interfaces = new Map();  // long name -> {file, props: Map(field -> type text)}
const byFile = new Map();      // file -> Map(local name -> long name)

function parseDeclarations(file) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const local = new Map();  // local interface name -> {props}
  for (let i = 0; i < lines.length; i++) {
    const start = /^export interface (\w+)/.exec(lines[i]);
    if (!start) continue;
    const props = new Map();
    for (i++; i < lines.length && lines[i] !== "}"; i++) {
      const prop = /^ {4}"([^"]+)"\??: (.*?);?$/.exec(lines[i]);
      if (!prop) continue;
      let type = prop[2];
      if (type === "{") type = `{${lines[i + 1].trim()}}`;  // { [key: string]: T; }
      props.set(prop[1], type);
    }
    local.set(start[1], { file, props });
  }
  const names = new Map();
  for (const [name] of local) names.set(name, name);
  const exported = /^export \{ (.*) \};$/m.exec(lines.join("\n"));
  if (exported) {
    for (const part of exported[1].split(",")) {
      const [from, to] = part.trim().split(/\s+as\s+/);
      if (to && local.has(from)) names.set(from, to);
    }
  }
  for (const [name, decl] of local) interfaces.set(names.get(name), decl);
  byFile.set(file, names);
}

function walkDeclarations(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") walkDeclarations(full);
    else if (entry.name.endsWith(".d.ts")) parseDeclarations(full);
  }
}

// A type text as the checker needs it: an interface, an array or a map of something, or a
// leaf (string, number, IntOrString, a union of literals) whose fields are not checked.
function typeOf(text, file) {
  const array = /^Array<(.*)>$/.exec(text);
  if (array) return { array: typeOf(array[1], file) };
  const map = /^\{\[key: string\]: (.*?);?\}$/.exec(text);
  if (map) return { map: typeOf(map[1], file) };
  if (/^I\w+$/.test(text)) {
    const long = (byFile.get(file) || new Map()).get(text) || text;
    if (interfaces.has(long)) return { iface: long };
  }
  return {};
}

function unknownFields(value, type, where, out) {
  if (value === null || typeof value !== "object") return;
  if (type.array) {
    if (!Array.isArray(value)) return;
    value.forEach((v, i) => unknownFields(v, type.array, `${where}[${i}]`, out));
  } else if (type.map) {
    for (const [k, v] of Object.entries(value)) unknownFields(v, type.map, `${where}.${k}`, out);
  } else if (type.iface && !Array.isArray(value)) {
    const decl = interfaces.get(type.iface);
    for (const [k, v] of Object.entries(value)) {
      if (!decl.props.has(k)) {
        const typeName = type.iface.replace(/^IIoK8s(Apimachinery|Api)?/, "");
        out.push(`${where}.${k}: not a field of ${typeName}`);
      } else {
        unknownFields(v, typeOf(decl.props.get(k), decl.file), `${where}.${k}`, out);
      }
    }
  }
}

// The top-level interface of a kind, declared as I<Kind> in <apiVersion>/<Kind>.d.ts.
function rootTypeOf(apiVersion, kind) {
  const file = path.join(modelsRoot, apiVersion, `${kind}.d.ts`);
  const names = byFile.get(file);
  if (!names || !names.has(`I${kind}`)) return null;
  return { iface: names.get(`I${kind}`) };
}

// --- main -------------------------------------------------------------------------------

function main(files) {
  if (!files.length) {
    console.error("usage: validate-schemas.js RENDERED.yaml...");
    return 2;
  }
  walkDeclarations(modelsRoot);
  walkDeclarations(apimachineryRoot);
  const failures = [];
  let documents;
  try {
    documents = readRendered(files);
  } catch (e) {
    console.error(`validate-schemas: ${e.message}`);
    return 1;
  }
  for (const doc of documents) {
    const { apiVersion, kind } = doc.object;
    const Model = modelOf(apiVersion, kind);
    if (!Model) {
      failures.push(`${describe(doc)}: no schema for ${apiVersion} ${kind}`);
      continue;
    }
    try {
      new Model(doc.object).validate();
    } catch (e) {
      const errors = e.errors || [{ instancePath: "", message: e.message }];
      for (const err of errors) {
        failures.push(`${describe(doc)}: ${err.instancePath || "/"} ${err.message}`);
      }
    }
    const root = rootTypeOf(apiVersion, kind);
    if (!root) {
      failures.push(`${describe(doc)}: no type declaration for ${apiVersion} ${kind}`);
      continue;
    }
    const unknown = [];
    unknownFields(doc.object, root, "", unknown);
    for (const u of unknown) failures.push(`${describe(doc)}: ${u}`);
  }
  for (const f of failures) console.log(`FAIL ${f}`);
  const kinds = new Set(documents.map((d) => d.object.kind));
  console.log(`validate-schemas: ${documents.length} objects (${[...kinds].sort().join(", ")}) ` +
              `in ${files.length} files, ${failures.length} failures`);
  return failures.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
