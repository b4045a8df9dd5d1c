"""Facts about the machine a benchmark ran on, and the memory of its processes."""
import os
import subprocess


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def memory_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    return 0.0


def load_average():
    return os.getloadavg()


def fsync_rate(folder, seconds=1.0):
    """Small appends each followed by fsync, per second, in `folder`: what a database with
    synchronous commits (SQLite synchronous=FULL) can commit at most on this disk, now."""
    import tempfile
    import time
    fd, path = tempfile.mkstemp(dir=folder, prefix="fsync-probe-")
    try:
        count, start = 0, time.monotonic()
        while time.monotonic() - start < seconds:
            os.write(fd, b"x" * 600)
            os.fsync(fd)
            count += 1
        return count / (time.monotonic() - start)
    finally:
        os.close(fd)
        os.unlink(path)


def describe(root):
    """What BENCHMARKS.md states about the run: cores, CPU, RAM, kernel, commit."""
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain"],
                               capture_output=True, text=True).stdout.strip()
        if dirty:
            commit += " + uncommitted changes"
    except OSError:
        commit = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "ram_gib": round(memory_gib(), 1),
        "kernel": os.uname().release,
        "commit": commit,
    }


def process_memory(pid):
    """{"hwm_mib": peak resident (VmHWM), "rss_mib": resident now (VmRSS)} of a live process."""
    values = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, kib = line.split()[:2]
                values["hwm_mib" if key == "VmHWM:" else "rss_mib"] = int(kib) / 1024
    return values


def process_cpu_seconds(pid):
    """CPU seconds (user + system, every thread) a live process has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
