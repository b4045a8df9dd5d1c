// The rules of this deployment that a schema cannot see, checked on the kustomizations and on
// what `kubectl kustomize` rendered from them (scripts/check-deploy names the files):
//   district-<slug>.yaml, city.yaml, stage-<stage>.yaml, mutual-tls-example.yaml
// - the nine Cần Thơ districts have an overlay each, with its namespace and site;
// - every stage pins one tag for the four images, and every overlay is in exactly one stage;
// - the city's reporting follows the registry, intake and evaluation feeds of all nine;
// - every service is probed by gRPC health, hardened, bounded, drained within its grace;
// - the plan ConfigMap holds every plans/*.textproto as it is.
//
//   NODE_PATH=<folder with yaml> node check-rules.js K8S_DIR RENDERED_DIR PLANS_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const { readRendered, describe } = require("./rendered");

// Slugs as in the site ids (can-tho/<slug>) and tools/sample_data/can-tho/districts.csv codes.
const DISTRICTS = {
  "ninh-kieu": "916", "o-mon": "917", "binh-thuy": "918", "cai-rang": "919", "thot-not": "923",
  "vinh-thanh": "924", "co-do": "925", "phong-dien": "926", "thoi-lai": "927",
};
const SERVICES = { registry: 50051, intake: 50052, evaluation: 50053, reporting: 50054 };
const FEED_SOURCES = ["registry", "intake", "evaluation"];
const PRE_STOP_SECONDS = 5;

const failures = [];
const fail = (where, message) => failures.push(`${where}: ${message}`);

function readKustomization(dir) {
  return YAML.parse(fs.readFileSync(path.join(dir, "kustomization.yaml"), "utf8"));
}

function envOf(container) {
  return new Map((container.env || []).map((e) => [e.name, e]));
}

function durationSeconds(text) {
  const m = /^(\d+)(s|m)$/.exec(text || "");
  return m ? Number(m[1]) * (m[2] === "m" ? 60 : 1) : NaN;
}

// --- overlays and stages ------------------------------------------------------------------

function checkOverlaysAndStages(k8sDir) {
  const districtDirs = fs.readdirSync(path.join(k8sDir, "districts")).sort();
  const expected = Object.keys(DISTRICTS).sort();
  if (JSON.stringify(districtDirs) !== JSON.stringify(expected)) {
    fail("districts/", `overlays ${districtDirs.join(",")} are not the nine ${expected.join(",")}`);
  }
  const overlays = [...districtDirs.map((d) => `districts/${d}`), "city"];
  const stageOf = new Map(overlays.map((o) => [o, []]));
  const stages = fs.readdirSync(path.join(k8sDir, "stages")).sort();
  if (!stages.length) fail("stages/", "no stage");
  for (const stage of stages) {
    const where = `stages/${stage}/kustomization.yaml`;
    const k = readKustomization(path.join(k8sDir, "stages", stage));
    for (const resource of k.resources || []) {
      const target = path.relative(k8sDir, path.resolve(k8sDir, "stages", stage, resource));
      if (!stageOf.has(target)) fail(where, `${resource} is not a district overlay or the city`);
      else stageOf.get(target).push(stage);
    }
    const images = new Map((k.images || []).map((i) => [i.name, i]));
    const tags = new Set();
    for (const service of Object.keys(SERVICES)) {
      const image = images.get(`dienhinh/${service}`);
      const pin = image && (image.digest || image.newTag);
      if (!pin) fail(where, `does not pin a tag for dienhinh/${service}`);
      else if (pin === "latest") fail(where, `pins dienhinh/${service} to "latest"`);
      else tags.add(String(pin));
    }
    if (tags.size > 1) fail(where, `pins different releases for the four images: ${[...tags]}`);
  }
  for (const [overlay, listedIn] of stageOf) {
    if (listedIn.length !== 1) {
      const names = listedIn.join(", ") || "none";
      fail(overlay, `is in ${listedIn.length} stages (${names}); it must be in one`);
    }
  }
  return stages;
}

// --- rendered objects -----------------------------------------------------------------------

function checkDeployment(doc, { tls }) {
  const where = describe(doc);
  const spec = doc.object.spec.template.spec;
  const service = doc.object.metadata.name;
  const containers = spec.containers || [];
  if (containers.length !== 1) return fail(where, "expected one container");
  const c = containers[0];
  const port = (c.ports || []).find((p) => p.name === "grpc");
  if (!port || port.containerPort !== SERVICES[service]) {
    fail(where, `gRPC port is not ${SERVICES[service]}`);
  }
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    const p = c[probe];
    if (!p) fail(where, `has no ${probe}`);
    else if (tls && !(p.tcpSocket && !p.grpc)) fail(where, `${probe} must be tcpSocket under TLS`);
    else if (!tls && !(p.grpc && p.grpc.port === SERVICES[service])) {
      fail(where, `${probe} is not a native gRPC probe of port ${SERVICES[service]}`);
    }
  }
  const pod = spec.securityContext || {};
  if (pod.runAsNonRoot !== true) fail(where, "pod does not set runAsNonRoot");
  if (!pod.seccompProfile || pod.seccompProfile.type !== "RuntimeDefault") {
    fail(where, "pod seccompProfile is not RuntimeDefault");
  }
  const sc = c.securityContext || {};
  if (sc.readOnlyRootFilesystem !== true) fail(where, "root filesystem is not read-only");
  if (sc.allowPrivilegeEscalation !== false) fail(where, "allows privilege escalation");
  if (!(sc.capabilities && (sc.capabilities.drop || []).includes("ALL"))) {
    fail(where, "does not drop ALL capabilities");
  }
  const r = c.resources || {};
  for (const kind of ["requests", "limits"]) {
    for (const res of ["cpu", "memory"]) {
      if (!(r[kind] && r[kind][res])) fail(where, `has no ${kind}.${res}`);
    }
  }
  if (!/:[\w.-]+$|@sha256:/.test(c.image.split("/").pop())) {
    fail(where, `image ${c.image} has no tag`);
  }
  const env = envOf(c);
  const drain = durationSeconds(env.get("DIENHINH_DRAIN_TIMEOUT") &&
                                env.get("DIENHINH_DRAIN_TIMEOUT").value);
  const grace = spec.terminationGracePeriodSeconds;
  if (!(grace > drain + PRE_STOP_SECONDS)) {
    fail(where, `terminationGracePeriodSeconds ${grace} is not above the drain (${drain} s) ` +
                `plus the preStop pause (${PRE_STOP_SECONDS} s)`);
  }
  const db = env.get("DIENHINH_DATABASE");
  const ref = db && db.valueFrom && db.valueFrom.secretKeyRef;
  if (!ref || ref.name !== "dienhinh-database" || ref.key !== service) {
    fail(where, `DIENHINH_DATABASE is not key ${service} of secret dienhinh-database`);
  }
  const site = env.get("DIENHINH_SITE");
  if (!(site && site.valueFrom && site.valueFrom.configMapKeyRef)) {
    fail(where, "DIENHINH_SITE does not come from the site ConfigMap");
  }
  if (tls && !(env.has("DIENHINH_TLS_CERT") && env.has("DIENHINH_TLS_CLIENT_CA") &&
               env.has("DIENHINH_TLS_CA"))) {
    fail(where, "mutual TLS component did not set the TLS files");
  }
}

function checkPlans(docs, plansDir) {
  const plans = fs.readdirSync(plansDir).filter((f) => f.endsWith(".textproto")).sort();
  for (const doc of docs) {
    const o = doc.object;
    if (o.kind !== "ConfigMap" || !o.metadata.name.startsWith("dienhinh-plans")) continue;
    const keys = Object.keys(o.data || {}).sort();
    if (JSON.stringify(keys) !== JSON.stringify(plans)) {
      fail(describe(doc), `holds ${keys.join(",")}, plans/ has ${plans.join(",")}`);
      continue;
    }
    for (const p of plans) {
      if (o.data[p] !== fs.readFileSync(path.join(plansDir, p), "utf8")) {
        fail(describe(doc), `${p} differs from plans/${p}`);
      }
    }
  }
}

function siteOf(docs) {
  const site = docs.find((d) => d.object.kind === "ConfigMap" &&
                                d.object.metadata.name.startsWith("dienhinh-site"));
  return site ? site.object.data.site : undefined;
}

function checkStack(file, docs, { namespace, stack, site, deployments }) {
  const where = path.basename(file);
  const ns = docs.find((d) => d.object.kind === "Namespace");
  if (!ns || ns.object.metadata.name !== namespace) fail(where, `no Namespace ${namespace}`);
  else if ((ns.object.metadata.labels || {})["dienhinh.edu.vn/stack"] !== stack) {
    fail(where, `namespace is not labelled dienhinh.edu.vn/stack=${stack}`);
  }
  for (const d of docs) {
    if (d.object.kind !== "Namespace" && d.object.metadata.namespace !== namespace) {
      fail(describe(d), `is not in namespace ${namespace}`);
    }
  }
  if (siteOf(docs) !== site) fail(where, `site is ${siteOf(docs)}, not ${site}`);
  const names = docs.filter((d) => d.object.kind === "Deployment")
                    .map((d) => d.object.metadata.name).sort();
  if (JSON.stringify(names) !== JSON.stringify([...deployments].sort())) {
    fail(where, `deployments ${names.join(",")}, expected ${deployments.join(",")}`);
  }
  if (!docs.some((d) => d.object.kind === "NetworkPolicy" &&
                        d.object.metadata.name === "dienhinh-default-deny")) {
    fail(where, "no default-deny NetworkPolicy");
  }
}

function checkCityFeeds(docs) {
  const reporting = docs.find((d) => d.object.kind === "Deployment" &&
                                     d.object.metadata.name === "reporting");
  if (!reporting) return fail("city.yaml", "no reporting Deployment");
  const env = envOf(reporting.object.spec.template.spec.containers[0]);
  const feeds = ((env.get("DIENHINH_UPSTREAM_FEEDS") || {}).value || "")
      .split(",").map((s) => s.trim()).filter(Boolean);
  const wanted = [];
  for (const slug of Object.keys(DISTRICTS)) {
    for (const source of FEED_SOURCES) {
      wanted.push(`${source}@${slug}=${source}.dienhinh-${slug}.svc:${SERVICES[source]}`);
    }
  }
  for (const w of wanted) {
    if (!feeds.includes(w)) fail("city.yaml", `reporting does not follow ${w}`);
  }
  for (const f of feeds) {
    if (!wanted.includes(f)) fail("city.yaml", `reporting follows an unexpected feed ${f}`);
  }
}

// --- main -------------------------------------------------------------------------------

function main([k8sDir, renderedDir, plansDir]) {
  if (!plansDir) {
    console.error("usage: check-rules.js K8S_DIR RENDERED_DIR PLANS_DIR");
    return 2;
  }
  const stages = checkOverlaysAndStages(k8sDir);
  const rendered = (name) => {
    const file = path.join(renderedDir, name);
    if (!fs.existsSync(file)) {
      fail(name, "was not rendered");
      return [file, []];
    }
    return [file, readRendered([file])];
  };
  for (const slug of Object.keys(DISTRICTS)) {
    const [file, docs] = rendered(`district-${slug}.yaml`);
    checkStack(file, docs, { namespace: `dienhinh-${slug}`, stack: "district",
                             site: `can-tho/${slug}`, deployments: Object.keys(SERVICES) });
  }
  const [cityFile, cityDocs] = rendered("city.yaml");
  checkStack(cityFile, cityDocs, { namespace: "dienhinh-can-tho", stack: "city",
                                   site: "can-tho", deployments: ["reporting"] });
  checkCityFeeds(cityDocs);

  let deployments = 0;
  for (const stage of stages) {
    const [, docs] = rendered(`stage-${stage}.yaml`);
    const k = readKustomization(path.join(k8sDir, "stages", stage));
    const tag = String((k.images || [])[0] && ((k.images[0].newTag) || k.images[0].digest));
    for (const doc of docs) {
      if (doc.object.kind !== "Deployment") continue;
      deployments++;
      checkDeployment(doc, { tls: false });
      const image = doc.object.spec.template.spec.containers[0].image;
      if (!image.endsWith(`:${tag}`) && !image.endsWith(`@${tag}`)) {
        fail(describe(doc), `image ${image} is not the stage's release ${tag}`);
      }
    }
    checkPlans(docs, plansDir);
  }
  const [, tlsDocs] = rendered("mutual-tls-example.yaml");
  for (const doc of tlsDocs) {
    if (doc.object.kind === "Deployment") checkDeployment(doc, { tls: true });
  }

  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`check-rules: ${Object.keys(DISTRICTS).length} districts, the city, ` +
              `${stages.length} stages, ${deployments} deployments; ${failures.length} failures`);
  return failures.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
