"""Python stubs for calling dienhinh as another ministry service would: generated at run time
from the protos (dienhinh's own under proto/, gRPC's health and reflection from Debian's
grpc-proto package) with protoc and Debian's grpc_python_plugin, into a cache folder.

    from stubs import load
    health_pb2, health_pb2_grpc = load("health")

use_proto_root(path) first makes them from another copy of dienhinh's protos instead (the
old-client test uses a past release's).
"""
import atexit
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GRPC_PROTO = "/usr/share/grpc-proto/grpc"
GOOGLE_RPC = "/usr/share/gocode/src/github.com/gogo/googleapis"
# gRPC's own protos are copied under names that do not shadow Python's `grpc` package.
SYSTEM_PROTOS = {
    "health": os.path.join(GRPC_PROTO, "health/v1/health.proto"),
    "reflection": os.path.join(GRPC_PROTO, "reflection/v1alpha/reflection.proto"),
}

_out_dir = None
_proto_root = os.path.join(ROOT, "proto")


def use_proto_root(path):
    """Generates the stubs from the protos under `path` rather than proto/. Python holds one
    module per name, so this must come before the first load()."""
    global _proto_root
    path = os.path.abspath(path)
    if _out_dir and path != _proto_root:
        raise RuntimeError("stubs already generated from " + _proto_root)
    _proto_root = path


def _generate():
    global _out_dir
    if _out_dir:
        return _out_dir
    out = tempfile.mkdtemp(prefix="dienhinh-pystubs-")
    # The modules are imported by then; the folder is not needed after the process ends.
    atexit.register(shutil.rmtree, out, True)
    src = os.path.join(out, "src")
    os.makedirs(src)
    files = []
    for name, path in SYSTEM_PROTOS.items():
        shutil.copy(path, os.path.join(src, name + ".proto"))
        files.append(name + ".proto")
    includes = ["-I", src]
    proto_root = _proto_root
    for dirpath, _, names in os.walk(os.path.join(proto_root, "dienhinh")):
        for n in sorted(names):
            if n.endswith(".proto"):
                files.append(os.path.relpath(os.path.join(dirpath, n), proto_root))
    includes += ["-I", proto_root, "-I", GOOGLE_RPC, "-I", "/usr/include"]
    # google/rpc for status details
    files += ["google/rpc/status.proto", "google/rpc/error_details.proto", "google/rpc/code.proto"]
    subprocess.run(
        ["protoc", *includes, "--python_out=" + out, "--grpc_out=" + out,
         "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin", *files],
        check=True)
    sys.path.insert(0, out)
    _out_dir = out
    return out


def load(module):
    """Returns (pb2, pb2_grpc) for "health", "reflection" or a dienhinh path such as
    "dienhinh.registry.v1.registry_service"."""
    _generate()
    pb2 = importlib.import_module(module + "_pb2")
    try:
        grpc_mod = importlib.import_module(module + "_pb2_grpc")
    except ImportError:
        grpc_mod = None
    return pb2, grpc_mod
