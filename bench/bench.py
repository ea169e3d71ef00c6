"""dlqcat benchmarks: the harness behind bench/run.sh (which builds the binaries first).

Starts `dlqcat broker` on loopback (--broker embedded) or a one-node Apache Kafka of its own
with scripts/kafka.sh (--broker real), loads the standard workloads (bench/load.py), runs every
contender RUNS times, interleaved, and prints a Markdown table of medians: wall time, CPU time
(user + sys) and peak RSS of each contender's process, with ratios to the librdkafka floor and to
kcat / the Python client. Each process is measured by bench/measure.c (wait4), so nothing needs
GNU time.

  W1  50k Kafka Connect DLQ records, every __connect.errors.* header, ~2.5 KB stack traces
  W2  300k ~200-byte JSON error envelopes (the streaming job of shared/seeds)
  W3  20k Spring DLT records (kafka_dlt-* headers) with x-retries 0..3

Every replay run gets a fresh consumer group and fresh target topics with 64 partitions (the mock
keeps ~5 MB per partition; on real Kafka the same shape, created before the run with CreateTopics
and deleted after it). Results are checked (record counts), so a fast wrong answer fails the run
instead of winning it."""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
PARTITIONS = 64

WORKLOADS = {
    "w0": {"count": 1, "kind": "w3",
           "title": "W0: 1 Spring DLT record — the fixed cost of a replay (start, group join, commit, exit)"},
    "w1": {"count": 50000, "kind": "w1", "title": "W1: 50k Connect DLQ records, ~2.5 KB stack traces"},
    "w2": {"count": 300000, "kind": "w2", "title": "W2: 300k ~200-byte JSON envelopes"},
    "w3": {"count": 20000, "kind": "w3", "title": "W3: 20k Spring DLT records with x-retries"},
}


def log(message):
    print("bench: " + message, file=sys.stderr, flush=True)


class Broker:
    """`dlqcat broker` in the background; stopped (by its pid) when the harness ends."""

    def __init__(self, dlqcat, topics):
        argv = [dlqcat, "-q", "broker"]
        for name, partitions in topics:
            argv += ["--topic", "%s:%d" % (name, partitions)]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        self.bootstrap = self.process.stdout.readline().strip()
        if not self.bootstrap:
            raise RuntimeError("dlqcat broker printed no bootstrap list")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def create(self, topics):
        pass  # every topic was created with the broker

    def delete(self, topics):
        pass


class RealKafka:
    """A one-node Apache Kafka of the harness's own (scripts/kafka.sh start --fresh); topics are
    created with CreateTopics when needed, and the cluster is stopped when the harness ends."""

    def __init__(self, kafka_sh, directory):
        self.kafka_sh = kafka_sh
        self.directory = directory
        started = subprocess.run([kafka_sh, "start", directory, "--fresh", "--ttl", "7200"], check=True,
                                 stdout=subprocess.PIPE, text=True)
        self.bootstrap = started.stdout.splitlines()[0].strip()

    def stop(self):
        subprocess.run([self.kafka_sh, "stop", self.directory], check=True)

    def create(self, topics):
        if topics:
            subprocess.run([PYTHON, os.path.join(HERE, "load.py"), "create", self.bootstrap, str(PARTITIONS)] + topics,
                           check=True)

    def delete(self, topics):
        if topics:
            subprocess.run([PYTHON, os.path.join(HERE, "load.py"), "delete", self.bootstrap] + topics, check=True)


def measure(args, argv):
    """Runs argv once under bench/measure.c: (wall s, cpu s, peak RSS MiB, exit code, stderr)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as result:
        subprocess.run([args.measure, result.name] + argv, stdout=subprocess.DEVNULL, stderr=err,
                       stdin=subprocess.DEVNULL)
        wall, cpu, rss_kib, code = result.read().split()
        err.seek(0)
        text = err.read().decode(errors="replace")
    return float(wall), float(cpu), int(rss_kib) / 1024.0, int(code), text


def topic_count(bootstrap, topic):
    out = subprocess.run([PYTHON, os.path.join(HERE, "load.py"), "count", bootstrap, topic], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


def read_contenders(args, workload):
    """(name, role, argv builder, check) for reading workload's topic to its end."""
    topic = workload
    return [
        ("floor: C librdkafka consume loop", "floor",
         lambda b, run: [args.floor_consume, b, topic], "floor_records"),
        ("dlqcat consume-dlq -J -e", "dlqcat",
         lambda b, run: [args.dlqcat, "-b", b, "consume-dlq", "-t", topic, "-e", "-J"], None),
        ("dlqcat inspect-headers --summary", "dlqcat",
         lambda b, run: [args.dlqcat, "-b", b, "inspect-headers", "-t", topic, "--summary"], None),
        ("kcat -C -e -J", "kcat",
         lambda b, run: ["kcat", "-b", b, "-C", "-t", topic, "-e", "-J", "-q"], None),
        ("python: py_dump.py (all headers)", "python",
         lambda b, run: [PYTHON, os.path.join(HERE, "py_dump.py"), b, topic], "py_records"),
    ]


def replay_contenders(args, workload):
    def target(kind, run):
        return "t-%s-%s-%d" % (workload, kind, run)

    def park(kind, run):
        return "p-%s-%s-%d" % (workload, kind, run)

    def group(kind, run):
        return "g-%s-%s-%d-%d" % (workload, kind, run, os.getpid())

    return [
        ("floor: C librdkafka consume->produce", "floor",
         lambda b, run: [args.floor_copy, b, workload, target("floor", run), group("floor", run)], "floor"),
        ("dlqcat replay -e --keep-partition", "dlqcat",
         lambda b, run: [args.dlqcat, "-q", "-b", b, "replay", "-t", workload, "-e", "-G", group("dlqcat", run), "--to",
                         target("dlqcat", run), "--keep-partition", "--park-topic", park("dlqcat", run)], "dlqcat"),
        ("python: py_reroute.py (SCSt re-route)", "python",
         lambda b, run: [PYTHON, os.path.join(HERE, "py_reroute.py"), b, workload, target("python", run),
                         park("python", run), group("python", run)], "python"),
    ]


def replay_run_topics(workload, kind, run):
    """The target and parking lot of one replay run."""
    return ["t-%s-%s-%d" % (workload, kind, run), "p-%s-%s-%d" % (workload, kind, run)]


JOBS = [
    ("w0", "replay", replay_contenders),
    ("w1", "read", read_contenders),
    ("w2", "read", read_contenders),
    ("w3", "replay", replay_contenders),
    ("w2", "replay", replay_contenders),
]


def replay_topics(runs):
    topics = []
    for workload in ("w0", "w2", "w3"):
        for kind in ("floor", "dlqcat", "python"):
            for run in range(runs):
                topics.append(("t-%s-%s-%d" % (workload, kind, run), PARTITIONS))
                # The re-route sample parks on the partition it read from: as many partitions.
                topics.append(("p-%s-%s-%d" % (workload, kind, run), PARTITIONS))
    return topics


def check(job_workload, check_kind, bootstrap, expected, stderr_text, run, name):
    """Raises when a run did not do the whole job."""
    if check_kind == "floor_records" or check_kind == "py_records":
        m = re.search(r"records=(\d+)", stderr_text)
        if not m or int(m.group(1)) != expected:
            raise RuntimeError("%s read %s records, expected %d" % (name, m and m.group(1), expected))
    elif check_kind in ("floor", "dlqcat", "python"):
        written = topic_count(bootstrap, "t-%s-%s-%d" % (job_workload, check_kind, run))[0]
        parked = topic_count(bootstrap, "p-%s-%s-%d" % (job_workload, check_kind, run))[0]
        if written + parked != expected:
            raise RuntimeError("%s wrote %d + parked %d records, expected %d" % (name, written, parked, expected))


def validate_reads(args, bootstrap, workload, expected):
    """One untimed pass that checks the output of the contenders whose output is thrown away when
    timed (and warms the broker). Output is streamed, so that the harness stays small."""
    for name, _role, make, _check in read_contenders(args, workload):
        if "floor" in name:
            continue
        process = subprocess.Popen(make(bootstrap, 0), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        lines, tail = 0, b""
        for chunk in iter(lambda: process.stdout.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            tail = (tail + chunk)[-4096:]
        if process.wait() != 0:
            raise RuntimeError("%s on %s exited %d" % (name, workload, process.returncode))
        if "summary" in name:
            ok = ("%d records," % expected).encode() in tail
        else:
            ok = lines == expected
        if not ok:
            raise RuntimeError("%s on %s: output does not cover %d records" % (name, workload, expected))


def ratio(value, base):
    return "%.2f×" % (value / base) if base else "-"


# The mock cluster delays a new group's first join by a fixed 3 s (TESTBED.md), whoever joins: the
# "net" columns subtract it, and only it. (W0's own wall time is not subtracted: it includes each
# contender's start-up, its first fetches and its exit, which are its own.) The real broker runs
# with group.initial.rebalance.delay.ms=0 (scripts/kafka.sh): nothing to subtract, no net columns.
JOIN_DELAYS = {"embedded": 3.0, "real": 0.0}
JOIN_DELAY = JOIN_DELAYS["embedded"]


def render(results, runs):
    lines = []
    for (workload, kind), rows in results.items():
        title = WORKLOADS[workload]["title"] + (" — read to the end" if kind == "read" else " — replay")
        lines.append("### %s\n" % title)
        net = kind == "replay" and workload != "w0" and JOIN_DELAY > 0
        lines.append("| contender | wall s | CPU s | peak RSS MiB | wall / floor | CPU / floor | wall vs kcat | wall vs python |"
                     + (" net wall s | net / floor | net vs python |" if net else ""))
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if net else ""))
        floor = next((r for r in rows if r["role"] == "floor"), None)
        kcat = next((r for r in rows if r["role"] == "kcat"), None)
        python = next((r for r in rows if r["role"] == "python"), None)
        for r in rows:
            line = "| %s | %.2f | %.2f | %.1f | %s | %s | %s | %s |" % (
                r["name"], r["wall"], r["cpu"], r["rss"],
                ratio(r["wall"], floor["wall"]) if floor else "-",
                ratio(r["cpu"], floor["cpu"]) if floor else "-",
                ratio(r["wall"], kcat["wall"]) if kcat else "-",
                ratio(r["wall"], python["wall"]) if python else "-")
            if net:
                mine = r["wall"] - JOIN_DELAY
                base = floor["wall"] - JOIN_DELAY if floor else None
                py = python["wall"] - JOIN_DELAY if python else None
                line += " %.2f | %s | %s |" % (mine, ratio(mine, base) if base else "-", ratio(mine, py) if py else "-")
            lines.append(line)
        lines.append("")
    lines.append("Medians of %d runs; wall and CPU (user + sys) in seconds, peak RSS of the process." % runs
                 + (" Net wall =" if JOIN_DELAY > 0 else ""))
    if JOIN_DELAY > 0:
        lines.append("wall minus the mock's fixed 3 s delay of a new group's first join, which every replay contender waits out.")
    return "\n".join(lines)


def targets(results):
    """The issue's targets, each with its measured figure: (text, met)."""
    out = []
    read = results.get(("w1", "read"), [])
    floor = next((r for r in read if r["role"] == "floor"), None)
    for r in read:
        if r["role"] != "dlqcat" or floor is None:
            continue
        cpu = r["cpu"] / floor["cpu"]
        wall = r["wall"] / floor["wall"]
        out.append(("W1 %s: CPU %.2f× floor (≤ 1.3×), wall %.2f× floor (≤ 1.05×)" % (r["name"], cpu, wall),
                    cpu <= 1.3 and wall <= 1.05))
    for workload in ("w3", "w2"):
        rows = results.get((workload, "replay"), [])
        floor = next((r for r in rows if r["role"] == "floor"), None)
        dlqcat = next((r for r in rows if r["role"] == "dlqcat"), None)
        python = next((r for r in rows if r["role"] == "python"), None)
        if dlqcat and floor:
            wall = dlqcat["wall"] / floor["wall"]
            out.append(("%s replay: wall %.2f× copy floor (≤ 1.1×)" % (workload.upper(), wall), wall <= 1.1))
            if JOIN_DELAY > 0:
                net = (dlqcat["wall"] - JOIN_DELAY) / (floor["wall"] - JOIN_DELAY)
                out.append(("%s replay, net of the 3 s join delay: wall %.2f× copy floor (≤ 1.1×)" % (workload.upper(), net),
                            net <= 1.1))
        if workload == "w2" and dlqcat and python:
            speedup = python["wall"] / dlqcat["wall"]
            out.append(("W2 replay: %.2f× faster than the Python re-router (≥ 3×)" % speedup, speedup >= 3))
            if JOIN_DELAY > 0:
                net = (python["wall"] - JOIN_DELAY) / (dlqcat["wall"] - JOIN_DELAY)
                out.append(("W2 replay, net of the 3 s join delay: %.2f× faster than the Python re-router (≥ 3×)" % net,
                            net >= 3))
    rss = max((r["rss"] for rows in results.values() for r in rows if r["role"] == "dlqcat"), default=0)
    out.append(("dlqcat peak RSS %.1f MiB over every job (≤ 40 MiB)" % rss, rss <= 40))
    return out


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return "%d CPUs (%s), Linux %s, %s" % (os.cpu_count(), model, platform.release(), platform.platform(terse=True))


def versions(args):
    dlqcat = subprocess.run([args.dlqcat, "--version"], capture_output=True, text=True).stdout.strip()
    kcat = [line.strip() for line in subprocess.run(["kcat", "-V"], capture_output=True, text=True).stdout.splitlines()
            if line.strip().startswith("Version")][:1]
    py = subprocess.run([PYTHON, "-c", "import confluent_kafka as c, sys; print('python %s, confluent-kafka %s, librdkafka %s' "
                         "% (sys.version.split()[0], c.version()[0], c.libversion()[0]))"],
                        capture_output=True, text=True).stdout.strip()
    return "%s; kcat %s; %s" % (dlqcat, kcat[0].split()[1] if kcat else "?", py)


def kafka_version(args):
    """The broker version scripts/kafka/pom.xml pins."""
    with open(os.path.join(os.path.dirname(args.kafka_sh), "kafka", "pom.xml")) as f:
        found = re.search(r"<kafka.version>([^<]+)</kafka.version>", f.read())
    return found.group(1) if found else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dlqcat", required=True)
    parser.add_argument("--floor-consume", required=True)
    parser.add_argument("--floor-copy", required=True)
    parser.add_argument("--measure", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--broker", choices=("embedded", "real"), default="embedded")
    parser.add_argument("--kafka-sh", default=os.path.join(HERE, "..", "scripts", "kafka.sh"))
    parser.add_argument("--kafka-dir", default="", help="--broker real: the cluster's directory (scripts/kafka.sh)")
    parser.add_argument("--only", default="", help="regex: run only the jobs/contenders whose 'wN kind name' matches")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args()
    global JOIN_DELAY
    JOIN_DELAY = JOIN_DELAYS[args.broker]

    only = re.compile(args.only) if args.only else None
    jobs = [(w, k, f) for w, k, f in JOBS
            if only is None or any(only.search("%s %s %s" % (w, k, c[0])) for c in f(args, w))]
    workloads = sorted({w for w, _, _ in jobs})
    if args.broker == "real":
        if not args.kafka_dir:
            parser.error("--broker real needs --kafka-dir")
        log("starting a one-node Apache Kafka in %s" % args.kafka_dir)
        broker = RealKafka(args.kafka_sh, args.kafka_dir)
        broker.create(workloads)
    else:
        topics = [(w, PARTITIONS) for w in workloads] + replay_topics(args.runs)
        log("starting dlqcat broker with %d topics" % len(topics))
        broker = Broker(args.dlqcat, topics)
    try:
        b = broker.bootstrap
        for w in workloads:
            started = time.monotonic()
            subprocess.run([PYTHON, os.path.join(HERE, "load.py"), WORKLOADS[w]["kind"], b, w, str(WORKLOADS[w]["count"]),
                            str(PARTITIONS)],
                           check=True)
            high, low = topic_count(b, w)
            if high != WORKLOADS[w]["count"] or low != 0:
                raise RuntimeError("%s: %d records loaded, %d lost to retention" % (w, high, low))
            log("loaded %s: %d records in %.1f s" % (w, high, time.monotonic() - started))
        for w, kind, _ in jobs:
            if kind == "read":
                validate_reads(args, b, w, WORKLOADS[w]["count"])
        samples = {}
        for run in range(args.runs):
            for w, kind, contenders in jobs:
                for name, role, make, check_kind in contenders(args, w):
                    if only is not None and not only.search("%s %s %s" % (w, kind, name)):
                        continue
                    run_topics = replay_run_topics(w, check_kind, run) if kind == "replay" else []
                    broker.create(run_topics)
                    wall, cpu, rss, code, err = measure(args, make(b, run))
                    if code != 0:
                        raise RuntimeError("%s on %s exited %d: %s" % (name, w, code, err.strip()[-2000:]))
                    check(w, check_kind, b, WORKLOADS[w]["count"], err, run, name)
                    broker.delete(run_topics)
                    samples.setdefault((w, kind), {}).setdefault(name, {"role": role, "wall": [], "cpu": [], "rss": []})
                    entry = samples[(w, kind)][name]
                    entry["wall"].append(wall)
                    entry["cpu"].append(cpu)
                    entry["rss"].append(rss)
                    log("run %d/%d %s %s: %s wall %.2f s, CPU %.2f s, RSS %.1f MiB" % (
                        run + 1, args.runs, w, kind, name, wall, cpu, rss))
    finally:
        broker.stop()

    results = {}
    for key, by_name in samples.items():
        results[key] = [{"name": name, "role": e["role"], "wall": statistics.median(e["wall"]),
                         "cpu": statistics.median(e["cpu"]), "rss": statistics.median(e["rss"]),
                         "samples": {k: e[k] for k in ("wall", "cpu", "rss")}} for name, e in by_name.items()]
    print("Broker: %s" % ("dlqcat broker (librdkafka's mock cluster)" if args.broker == "embedded"
                          else "Apache Kafka %s, one KRaft node (scripts/kafka.sh)" % kafka_version(args)))
    print("Machine: %s" % machine())
    print("Versions: %s\n" % versions(args))
    print(render(results, args.runs))
    print("\nTargets:")
    for text, met in targets(results):
        print("- %s: %s" % ("met" if met else "NOT met", text))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "broker": args.broker, "runs": args.runs,
                       "results": {"%s %s" % k: v for k, v in results.items()}}, f, indent=1)


if __name__ == "__main__":
    main()
