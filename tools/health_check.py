#!/usr/bin/python3
"""Asks dienhinh services for their health (grpc.health.v1) and, with --list, for the
services they expose (server reflection), as any other gRPC client would.

    health_check.py [--wait SECONDS] [--list] 127.0.0.1:50051 127.0.0.1:50052 ...

Exit 0 when every address answers SERVING (within --wait), 1 otherwise.
"""
import argparse
import os
import sys
import time

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyclient"))
from stubs import load  # noqa: E402


def health(address, timeout):
    health_pb2, health_grpc = load("health")
    with grpc.insecure_channel(address) as channel:
        stub = health_grpc.HealthStub(channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


def services(address, timeout):
    reflection_pb2, reflection_grpc = load("reflection")
    with grpc.insecure_channel(address) as channel:
        stub = reflection_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        for reply in stub.ServerReflectionInfo(iter([request]), timeout=timeout):
            return sorted(s.name for s in reply.list_services_response.service)
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for SERVING")
    parser.add_argument("--list", action="store_true", help="print services by reflection")
    parser.add_argument("addresses", nargs="+")
    args = parser.parse_args()
    deadline = time.monotonic() + args.wait
    ok = True
    for address in args.addresses:
        while True:
            try:
                status = health(address, timeout=2)
            except grpc.RpcError as e:
                status = e.code().name
            if status == "SERVING" or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        line = f"{address} {status}"
        if args.list and status == "SERVING":
            line += " " + " ".join(services(address, timeout=5))
        print(line)
        ok = ok and status == "SERVING"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
