// Reads what `kubectl kustomize` rendered (multi-document YAML files) into plain objects, each
// remembering the file it came from, so that every check can say where a failure is.
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

// Returns [{file, index, object}] for every non-empty document of every file; throws with the
// file's name on a YAML error.
function readRendered(files) {
  const documents = [];
  for (const file of files) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
    docs.forEach((doc, index) => {
      if (doc.errors.length) {
        throw new Error(`${file}: document ${index}: ${doc.errors[0].message}`);
      }
      const object = doc.toJS();
      if (object !== null && object !== undefined) documents.push({ file, index, object });
    });
  }
  return documents;
}

// "stage-1-pilot.yaml: Deployment dienhinh-ninh-kieu/registry"
function describe({ file, object }) {
  const meta = object.metadata || {};
  const name = meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
  return `${path.basename(file)}: ${object.kind} ${name}`;
}

module.exports = { readRendered, describe };
