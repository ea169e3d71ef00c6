#!/usr/bin/python3
"""A Kafka Connect worker for the compact-fix tests of the workers a real Kafka 4.3 cannot stand in
for (tests/connect/test_jdbc_sink.bash runs the real one): the REST endpoints compact-fix calls, as
Kafka Connect 3.5 answers them (connect/runtime/.../rest/resources/ConnectorsResource.java): PUT
/stop, /pause, /resume, restart with includeTasks/onlyFailed, but no PATCH .../offsets (3.6,
KIP-875), so that compact-fix commits the sink's group itself; and a sink task that really writes
records into PostgreSQL the way a JDBC sink does in upsert mode, so that a test sees the connector
die on the poison and come back to work.

--legacy answers like a worker before Kafka 3.0: no PUT /stop, and POST /restart ignores
includeTasks/onlyFailed (restarts the connector alone, 204), so failed tasks stay FAILED.

Paths a real worker of Kafka 4.3 produces (stop, the offsets API, 409 on a restart during a
rebalance, 415 on a body without a JSON content type, an unknown or deleted connector, the worker
going down) are tested against it, not here.

Every request is appended to --calls as a JSON line {"method", "path", "query"}.
The sink task consumes with assign() from the group's committed offsets and commits each record
after writing it: the embedded broker rejects standalone commits for a group that ever had
members, and compact-fix moves this group's offsets.
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import confluent_kafka as ck
import psycopg2
from psycopg2 import sql

ARGS = None
LOCK = threading.RLock()
CONNECTORS = {}  # name -> Connector


class Connector:
    def __init__(self, name, config):
        self.name = name
        self.config = config
        self.state = "RUNNING"
        self.tasks = [{"id": i, "state": "RUNNING"} for i in range(int(config.get("tasks.max", "1")))]
        self.worker = None

    def status(self):
        return {"name": self.name, "connector": {"state": self.state, "worker_id": worker_id()},
                "tasks": [dict(t, worker_id=worker_id()) for t in self.tasks], "type": "sink"}


def worker_id():
    return "127.0.0.1:%d" % ARGS.port


class SinkWorker(threading.Thread):
    """All tasks of one connector in one thread: the first refused record fails them all, as in
    the seed."""

    def __init__(self, connector):
        super().__init__(daemon=True)
        self.connector = connector
        self.stopping = threading.Event()

    def run(self):
        cfg = self.connector.config
        consumer = ck.Consumer({"bootstrap.servers": ARGS.brokers, "group.id": "connect-" + self.connector.name,
                                "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        db = psycopg2.connect(cfg["connection.url"])
        try:
            topics = cfg["topics"].split(",")
            metadata = consumer.list_topics(timeout=10)
            partitions = [ck.TopicPartition(t, p) for t in topics for p in metadata.topics[t].partitions]
            start = consumer.committed(partitions, timeout=10)
            for tp in start:
                if tp.offset < 0:
                    tp.offset = ck.OFFSET_BEGINNING
            consumer.assign(start)
            while not self.stopping.is_set():
                message = consumer.poll(0.1)
                if message is None or message.error():
                    continue
                try:
                    self.write(db, message)
                except psycopg2.Error as error:
                    self.fail(error)
                    return
                consumer.commit(offsets=[ck.TopicPartition(message.topic(), message.partition(), message.offset() + 1)],
                                asynchronous=False)
        finally:
            consumer.close()
            db.close()

    def write(self, db, message):
        cfg = self.connector.config
        if message.value() is None:
            return  # a tombstone: this sink has delete.enabled=false
        try:
            document = json.loads(message.value())
        except ValueError:
            return  # the converter's error: Connect sends it to the DLQ, the sink never sees it
        if isinstance(document, dict) and "schema" in document and "payload" in document:
            document = document["payload"]
        if not isinstance(document, dict) or not document:
            return
        table = cfg.get("table.name.format", "${topic}").replace("${topic}", message.topic())
        keys = [k for k in cfg.get("pk.fields", "").split(",") if k]
        columns = list(document)
        values = [json.dumps(v) if isinstance(v, (dict, list)) else v for v in document.values()]
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(table), sql.SQL(",").join(map(sql.Identifier, columns)),
            sql.SQL(",").join(sql.Placeholder() * len(columns)))
        if keys:
            updates = [sql.SQL("{0}=EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns if c not in keys]
            statement += sql.SQL(" ON CONFLICT ({}) DO ").format(sql.SQL(",").join(map(sql.Identifier, keys)))
            if updates:
                statement += sql.SQL("UPDATE SET ") + sql.SQL(",").join(updates)
            else:
                statement += sql.SQL("NOTHING")
        with db, db.cursor() as cursor:
            cursor.execute(statement, values)

    def fail(self, error):
        primary = error.diag.message_primary or str(error).strip()
        trace = ("org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable "
                 "exception.\n\tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:587)\n"
                 "Caused by: java.sql.SQLException: java.sql.BatchUpdateException: Batch entry 0 was aborted.\n"
                 "org.postgresql.util.PSQLException: ERROR: %s\n" % primary)
        with LOCK:
            for task in self.connector.tasks:
                task["state"] = "FAILED"
                task["trace"] = trace


def start_worker(connector):
    connector.worker = SinkWorker(connector)
    connector.worker.start()


def stop_worker(connector):
    worker, connector.worker = connector.worker, None
    if worker is not None:
        worker.stopping.set()
        worker.join(timeout=30)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def not_found(self, message="HTTP 404 Not Found"):
        self.answer(404, {"error_code": 404, "message": message})

    def handle_any(self, method):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        with open(ARGS.calls, "a") as calls:
            calls.write(json.dumps({"method": method, "path": url.path, "query": url.query}) + "\n")
        parts = [p for p in url.path.split("/") if p]
        if parts[:1] != ["connectors"]:
            return self.not_found()
        if len(parts) == 1:
            if method == "GET":
                return self.answer(200, sorted(CONNECTORS))
            if method == "POST":
                return self.create(body)
            return self.not_found()
        name = parts[1]
        with LOCK:
            connector = CONNECTORS.get(name)
        if connector is None:
            return self.not_found("Connector %s not found" % name)
        action = parts[2] if len(parts) > 2 else ""
        if (method, action) == ("GET", ""):
            return self.answer(200, {"name": name, "config": connector.config, "tasks": [], "type": "sink"})
        if (method, action) == ("GET", "config"):
            return self.answer(200, connector.config)
        if (method, action) == ("GET", "status"):
            with LOCK:
                return self.answer(200, connector.status())
        if (method, action) == ("DELETE", ""):
            stop_worker(connector)
            with LOCK:
                del CONNECTORS[name]
            return self.answer(204)
        if (method, action) == ("PUT", "stop") and not ARGS.legacy:
            stop_worker(connector)
            with LOCK:
                connector.state, connector.tasks = "STOPPED", []
            return self.answer(202)
        if (method, action) == ("PUT", "pause"):
            stop_worker(connector)
            with LOCK:
                connector.state = "PAUSED"
                for task in connector.tasks:
                    if task["state"] == "RUNNING":
                        task["state"] = "PAUSED"
            return self.answer(202)
        if (method, action) == ("PUT", "resume"):
            with LOCK:
                if connector.state == "STOPPED":
                    connector.tasks = [{"id": i, "state": "RUNNING"}
                                       for i in range(int(connector.config.get("tasks.max", "1")))]
                connector.state = "RUNNING"
                for task in connector.tasks:
                    if task["state"] == "PAUSED":
                        task["state"] = "RUNNING"
                runnable = all(t["state"] == "RUNNING" for t in connector.tasks)
            if runnable and connector.worker is None:
                start_worker(connector)
            return self.answer(202)
        if (method, action) == ("POST", "restart"):
            if ARGS.legacy or query.get("includeTasks") != "true":
                return self.answer(204)  # the connector alone: its tasks keep their state
            stop_worker(connector)
            with LOCK:
                for task in connector.tasks:
                    if task["state"] == "FAILED" or query.get("onlyFailed") != "true":
                        task["state"] = "RUNNING"
                        task.pop("trace", None)
                status = connector.status()
            start_worker(connector)
            return self.answer(202, status)
        if method == "POST" and action == "tasks" and len(parts) == 5 and parts[4] == "restart":
            stop_worker(connector)
            with LOCK:
                for task in connector.tasks:
                    if str(task["id"]) == parts[3]:
                        task["state"] = "RUNNING"
                        task.pop("trace", None)
            start_worker(connector)
            return self.answer(204)
        return self.not_found()

    def create(self, body):
        if not isinstance(body, dict) or "name" not in body or not isinstance(body.get("config"), dict):
            return self.answer(400, {"error_code": 400, "message": "Connector config must have a name and a config"})
        name = body["name"]
        with LOCK:
            if name in CONNECTORS:
                return self.answer(409, {"error_code": 409, "message": "Connector %s already exists" % name})
            connector = CONNECTORS[name] = Connector(name, dict(body["config"], name=name))
        start_worker(connector)
        tasks = [{"connector": name, "task": t["id"]} for t in connector.tasks]
        return self.answer(201, {"name": name, "config": connector.config, "tasks": tasks, "type": "sink"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PATCH(self):
        self.handle_any("PATCH")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--calls", required=True)
    parser.add_argument("--legacy", action="store_true")
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ARGS.port = server.server_address[1]
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write("%d\n" % ARGS.port)
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    try:
        server.serve_forever()
    finally:
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
