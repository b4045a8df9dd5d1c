#!/usr/bin/python3
"""Checks deploy/compose/compose.yaml offline (no engine, no images): it parses as YAML (merge
keys resolved), every ${...} is a form Compose understands, and the file keeps the promises
its README makes — the four services and PostgreSQL, each service its own database and volume,
the shared JWT key where the services read it, health checks, a restart policy, a read-only
root, and ports published on 127.0.0.1 unless DIENHINH_BIND says otherwise.

    /usr/bin/python3 deploy/compose/check_compose.py deploy/compose/compose.yaml

Exits 1 listing every problem. scripts/check-containers runs it.
"""
import re
import sys

import yaml

SERVICES = {"registry": (50051, 9101), "intake": (50052, 9102),
            "evaluation": (50053, 9103), "reporting": (50054, 9104)}
DATA_DIR = "/var/lib/dienhinh"
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; $$ is a literal $.
VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?-|:?\?)[^}]*)?\}")
LOOPBACK_DEFAULT = ("127.0.0.1:", "${DIENHINH_BIND:-127.0.0.1}:")


def check_variables(text, problems):
    for number, line in enumerate(text.splitlines(), 1):
        rest = VARIABLE.sub("", line.replace("$$", ""))
        if "$" in rest:
            problems.append(f"line {number}: a bare $ (write ${{NAME}}, or $$ for a literal $): {line.strip()}")


def check_service(name, service, volumes, problems):
    def need(condition, what):
        if not condition:
            problems.append(f"{name}: {what}")

    grpc, metrics = SERVICES[name]
    need(service.get("restart") in ("unless-stopped", "always"), "no restart policy")
    need(service.get("read_only") is True, "root filesystem not read-only")
    need(service.get("build", {}).get("target") == name, "build target is not the service's")
    test = service.get("healthcheck", {}).get("test", [])
    need("/usr/local/bin/dienhinh-health-probe" in test, "no gRPC health check")
    env = service.get("environment", {})
    database = env.get("DIENHINH_DATABASE", "")
    need(re.fullmatch(rf"postgres://{name}:\$\{{\w+\}}@postgres:5432/{name}", database),
         f"DIENHINH_DATABASE is not its own database: {database!r}")
    need(service.get("depends_on", {}).get("postgres", {}).get("condition") == "service_healthy",
         "does not wait for a healthy PostgreSQL")
    mounts = service.get("volumes", [])
    data = [m for m in mounts if m.endswith(":" + DATA_DIR)]
    need(len(data) == 1 and data[0].split(":")[0] in volumes, f"no named volume at {DATA_DIR}")
    secrets = service.get("secrets", [])
    need(any(s.get("source") == "jwt-key" and s.get("target") == DATA_DIR + "/jwt-hs256.key"
             for s in secrets if isinstance(s, dict)), "the shared JWT key is not mounted")
    ports = service.get("ports", [])
    need(len(ports) == 2, "expected the gRPC and the metrics port")
    for port in ports:
        need(str(port).startswith(LOOPBACK_DEFAULT), f"port {port} not bound to 127.0.0.1 by default")
    need(any(str(p).endswith(f":{grpc}:{grpc}") for p in ports), f"gRPC port {grpc} not published")
    need(any(str(p).endswith(f":{metrics}:{metrics}") for p in ports), f"metrics port {metrics} not published")


def main(path):
    text = open(path, encoding="utf-8").read()
    problems = []
    check_variables(text, problems)
    doc = yaml.safe_load(text)
    services = doc.get("services", {})
    volumes = doc.get("volumes", {}) or {}
    missing = (set(SERVICES) | {"postgres"}) - set(services)
    if missing:
        problems.append(f"services missing: {', '.join(sorted(missing))}")
    for name in SERVICES:
        if name in services:
            check_service(name, services[name], volumes, problems)
    postgres = services.get("postgres", {})
    if not str(postgres.get("image", "")).startswith("docker.io/library/postgres:15"):
        problems.append("postgres: not PostgreSQL 15")
    if postgres.get("ports"):
        problems.append("postgres: published; only the services should reach it")
    if "healthcheck" not in postgres:
        problems.append("postgres: no health check")
    if "jwt-key" not in (doc.get("secrets") or {}):
        problems.append("secret jwt-key not declared")
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
