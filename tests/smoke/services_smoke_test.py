#!/usr/bin/python3
"""The four service binaries start as scripts/run starts them (SQLite under a data folder), and
each answers health SERVING and lists its own service by reflection to a Python grpcio client,
as another ministry system would see them. Then SIGTERM stops each cleanly (exit 0).

    services_smoke_test.py BUILD_DIR
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tools", "pyclient"))
import health_check  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from free_ports import free_ports  # noqa: E402

BUILD = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(ROOT, "build")
SERVICES = {
    "registry": "dienhinh.registry.v1.RegistryService",
    "intake": "dienhinh.intake.v1.IntakeService",
    "evaluation": "dienhinh.evaluation.v1.EvaluationService",
    "reporting": "dienhinh.reporting.v1.ReportingService",
}


class ServicesSmokeTest(unittest.TestCase):
    def test_every_service_serves_health_and_reflection_and_stops_on_sigterm(self):
        data = tempfile.mkdtemp(prefix="dienhinh-smoke-")
        procs = {}
        addresses = {}
        try:
            for name, port in zip(SERVICES, free_ports(len(SERVICES))):
                addresses[name] = f"127.0.0.1:{port}"
                binary = os.path.join(BUILD, "services", name, "dienhinh-" + name)
                procs[name] = subprocess.Popen(
                    [binary, f"--listen=127.0.0.1:{port}", "--metrics_listen=off",
                     f"--data_dir={data}"],
                    stderr=open(os.path.join(data, name + ".log"), "w"))
            for name, service in SERVICES.items():
                address = addresses[name]
                deadline = time.monotonic() + 20
                status = None
                while time.monotonic() < deadline:
                    self.assertIsNone(procs[name].poll(), f"{name} exited")
                    try:
                        status = health_check.health(address, timeout=2)
                    except Exception as e:  # not listening yet
                        status = str(e)
                    if status == "SERVING":
                        break
                    time.sleep(0.1)
                self.assertEqual(status, "SERVING", name)
                listed = health_check.services(address, timeout=5)
                self.assertIn(service, listed)
                self.assertIn("dienhinh.events.v1.EventFeed", listed)
                self.assertIn("grpc.health.v1.Health", listed)
        finally:
            for name, proc in procs.items():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for name, proc in procs.items():
                try:
                    code = proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    code = "hung"
                self.assertEqual(code, 0, f"{name} did not stop cleanly on SIGTERM")
        self.assertTrue(os.path.exists(os.path.join(data, "jwt-hs256.key")))
        self.assertTrue(os.path.exists(os.path.join(data, "registry.db")))


if __name__ == "__main__":
    unittest.main()
