"""The deployment files, checked offline: the Dockerfile and its entrypoint, the compose recipe, HAProxy's
configuration, the Kubernetes manifests; and that every process serving the database picks up a ledger
imported by another process.

There is no Docker engine on the development machine: the Dockerfile is checked by reading it, and its
entrypoint script is run here against temporary folders.
"""
from __future__ import annotations

import copy
import fnmatch
import importlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import yaml

from ipmd import REPO_ROOT, db

DEPLOY = REPO_ROOT / "deploy"
K8S = DEPLOY / "k8s"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
SERVER_ENTRY = REPO_ROOT / "ipmd_server.py"
APP_CODE = [REPO_ROOT / "app.py", SERVER_ENTRY, *REPO_ROOT.glob("pages/*.py"), *REPO_ROOT.glob("components/*.py"),
            *(p for p in REPO_ROOT.glob("ipmd/**/*.py"))]


# ------------------------------------------------------------------------------------------- Dockerfile
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for line in (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("#") or not line.strip():
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def instruction(name: str) -> list[str]:
    return [args for word, args in dockerfile() if word == name]


def copy_sources() -> list[str]:
    sources = []
    for args in instruction("COPY"):
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        sources += parts[:-1]
    return sources


def dockerignore_patterns() -> list[tuple[bool, str]]:
    pats = []
    for line in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pats.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
    return pats


def ignored(path: str) -> bool:
    """Docker's rule: the last matching pattern wins; a pattern matching a folder excludes what is in it."""
    result = False
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for negate, pattern in dockerignore_patterns():
        regex = fnmatch.translate(pattern).replace(".*", "[^/]*").replace("[^/]*[^/]*/", "(.*/)?")
        if pattern.startswith("**/"):
            regex = "(.*/)?" + fnmatch.translate(pattern[3:]).replace(".*", "[^/]*")
        if any(re.fullmatch(regex, p) for p in prefixes):
            result = not negate
    return result


def test_dockerfile_base_user_volume_and_database_variable(monkeypatch):
    assert instruction("FROM") == ["python:3.11-slim"]
    users = instruction("USER")
    assert users and users[-1] not in ("root", "0"), "the app must not run as root"
    words = [w for w, _ in dockerfile()]
    assert words.index("USER") < words.index("CMD") and words.index("USER") < words.index("ENTRYPOINT")
    user_line = next(a for a in instruction("RUN") if "useradd" in a)
    assert int(re.search(r"--uid (\d+)", user_line).group(1)) >= 1000
    assert re.search(r"useradd .*\b" + re.escape(users[-1]) + r"\s*(&&|$)", user_line)

    env = " ".join(instruction("ENV"))
    db_value = re.search(r"IPMD_DB=(\S+)", env).group(1)
    volumes = json.loads(instruction("VOLUME")[0])
    assert any(db_value.startswith(v.rstrip("/") + "/") for v in volumes), "the database must be on the volume"
    # the variable is the one the app reads
    monkeypatch.setenv("IPMD_DB", db_value)
    assert db.db_path() == Path(db_value)


def test_dockerfile_healthcheck_and_command_use_the_exposed_port():
    exposed = instruction("EXPOSE")[0]
    health = instruction("HEALTHCHECK")[0]
    assert "/_stcore/health" in health and f":{exposed}/" in health
    cmd = json.loads(instruction("CMD")[0])
    # the server entry (app.py plus the warm-up at start), as `make run` and the benchmark start it
    assert cmd[:4] == ["python", "-m", "streamlit", "run"] and cmd[4] == SERVER_ENTRY.name
    assert SERVER_ENTRY.name in copy_sources() and "app.py" in copy_sources()
    assert f"--server.port={exposed}" in cmd and "--server.address=0.0.0.0" in cmd
    assert "--server.fileWatcherType=none" in cmd
    entry = json.loads(instruction("ENTRYPOINT")[0])
    assert entry[0] == "tini" and "tini" in next(a for a in instruction("RUN") if "apt-get install" in a)
    assert any(ENTRYPOINT.relative_to(REPO_ROOT).as_posix() == s for s in copy_sources())
    assert entry[-1] in next(a for a in instruction("COPY") if "entrypoint.sh" in a)


def test_every_copied_path_exists_and_is_not_ignored_and_no_secret_is_copied():
    sources = copy_sources()
    assert "app.py" in sources and "data/ipmd.duckdb" in sources
    for src in sources:
        assert (REPO_ROOT / src).exists(), f"COPY {src}: no such path"
        assert not ignored(src.rstrip("/")), f"COPY {src}: excluded by .dockerignore, the build would fail"
        assert "secret" not in src.lower(), f"COPY {src}: secrets are mounted at run time"
    # a folder copied whole must not carry a secrets file
    for src in sources:
        if (REPO_ROOT / src).is_dir():
            assert not list((REPO_ROOT / src).rglob("secrets.toml"))
    for word, args in dockerfile():
        if word in ("ENV", "ARG", "LABEL"):
            assert not re.search(r"(SECRET|PASSWORD|TOKEN|client_secret)\w*=", args, re.I), args


def test_dockerignore_keeps_secrets_environments_backups_and_results_out():
    for path in (".venv/bin/python", ".streamlit/secrets.toml", "deploy/secrets/secrets.toml", "data/backups/x.duckdb",
                 "bench/results/replicas.md", "tests/browser/screenshots/a.png", ".git/HEAD", "ipmd/__pycache__/a.pyc"):
        assert ignored(path), path
    for path in ("app.py", "data/ipmd.duckdb", "ipmd/db.py", ".streamlit/config.toml", "deploy/entrypoint.sh"):
        assert not ignored(path), path


def test_the_image_leaves_out_only_tools_the_app_never_imports():
    line = next(a for a in instruction("RUN") if "grep -vE" in a)
    names = re.search(r"\^\(([^)]*)\)==", line).group(1).split("|")
    required = {re.split(r"==", l)[0].lower() for l in (REPO_ROOT / "requirements.txt").read_text().splitlines()
                if "==" in l and not l.startswith("#")}
    assert set(n.lower() for n in names) <= required, "every name left out is pinned in requirements.txt"
    modules = {"playwright", "pytest", "pytest_timeout", "hypothesis", "oidc_provider_mock", "kubernetes_validate"}
    assert {n.lower().replace("-", "_") for n in names} <= modules
    for path in APP_CODE:
        text = path.read_text(encoding="utf-8")
        for module in modules:
            assert not re.search(rf"^\s*(import|from) {module}\b", text, re.M), f"{path} imports {module}"
    for pinned in ("streamlit", "duckdb", "plotly", "pandas", "geopandas", "authlib"):
        assert pinned in required and pinned not in names


# ------------------------------------------------------------------------------------------- entrypoint
def run_entrypoint(env: dict, *cmd: str, timeout: float = 30) -> subprocess.CompletedProcess:
    full_env = {"PATH": os.environ["PATH"], **env}
    return subprocess.run(["sh", str(ENTRYPOINT), *cmd], env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def test_entrypoint_copies_the_bundled_database_to_an_empty_volume_then_runs_the_command(tmp_path):
    seed = tmp_path / "image" / "ipmd.duckdb"
    seed.parent.mkdir()
    seed.write_bytes(b"bundled database " * 1000)
    target = tmp_path / "volume" / "ipmd.duckdb"
    r = run_entrypoint({"IPMD_DB": str(target), "IPMD_SEED_DB": str(seed)}, "sh", "-c", 'echo "serving $IPMD_DB"')
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == seed.read_bytes()
    assert "copied the bundled database" in r.stdout
    assert r.stdout.strip().endswith(f"serving {target}")
    assert sorted(p.name for p in target.parent.iterdir()) == ["ipmd.duckdb"]


def test_entrypoint_never_overwrites_a_database_already_on_the_volume(tmp_path):
    seed = tmp_path / "seed.duckdb"
    seed.write_bytes(b"bundled")
    target = tmp_path / "vol" / "ipmd.duckdb"
    target.parent.mkdir()
    target.write_bytes(b"the imported ledger")
    r = run_entrypoint({"IPMD_DB": str(target), "IPMD_SEED_DB": str(seed)}, "true")
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == b"the imported ledger"
    assert "copied" not in r.stdout


def test_entrypoint_replicas_starting_together_leave_one_whole_copy(tmp_path):
    seed = tmp_path / "seed.duckdb"
    seed.write_bytes(os.urandom(3 * 2**20))
    target = tmp_path / "shared" / "ipmd.duckdb"
    env = {"PATH": os.environ["PATH"], "IPMD_DB": str(target), "IPMD_SEED_DB": str(seed)}
    procs = [subprocess.Popen(["sh", str(ENTRYPOINT), "true"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=30) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert target.read_bytes() == seed.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["ipmd.duckdb"], "no temporary copy left behind"


def test_entrypoint_refuses_clearly_when_it_cannot_start(tmp_path):
    seed = tmp_path / "seed.duckdb"
    seed.write_bytes(b"x")
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("a file where the volume should be")
    r = run_entrypoint({"IPMD_DB": str(not_a_dir / "ipmd.duckdb"), "IPMD_SEED_DB": str(seed)}, "echo", "started")
    assert r.returncode == 1 and "started" not in r.stdout
    assert "cannot write to" in r.stderr
    r = run_entrypoint({"IPMD_DB": str(tmp_path / "v" / "ipmd.duckdb"), "IPMD_SEED_DB": str(tmp_path / "none")},
                       "echo", "started")
    assert r.returncode == 1 and "no bundled database" in r.stderr and "started" not in r.stdout


# ------------------------------------------------------------------------------------- compose, haproxy
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def app_services(spec: dict) -> dict:
    return {name: s for name, s in spec["services"].items() if "build" in s}


def haproxy_servers(text: str) -> dict[str, str]:
    """server name -> its cookie value, from a configuration's server lines."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s*server (\S+) \S+ .*\bcookie (\S+)", text, re.M)}


def test_compose_replicas_share_one_volume_one_secrets_file_and_one_cookie_secret(monkeypatch):
    spec = compose()
    apps = app_services(spec)
    assert len(apps) >= 3
    for name, svc in apps.items():
        assert (DEPLOY / svc["build"]["context"] / svc["build"]["dockerfile"]).resolve() == REPO_ROOT / "Dockerfile"
        assert svc["volumes"] == ["ipmd-data:/data"]
        assert svc["environment"]["IPMD_DB"].startswith("/data/")
        assert svc["environment"]["STREAMLIT_SERVER_COOKIE_SECRET"].startswith("${IPMD_COOKIE_SECRET:?")
        assert [s["source"] for s in svc["secrets"]] == ["ipmd_secrets"]
    assert len({json.dumps(s, sort_keys=True) for s in apps.values()}) == 1, "the replicas differ"
    assert "ipmd-data" in spec["volumes"]
    assert spec["secrets"]["ipmd_secrets"]["file"].startswith("./secrets/")
    # the secrets file lands where Streamlit looks for it, for the image's user
    target = next(iter(apps.values()))["secrets"][0]["target"]
    home = next(a for a in instruction("RUN") if "useradd" in a).split("--home-dir ")[1].split()[0]
    monkeypatch.setenv("HOME", home)
    from streamlit import config as st_config
    assert target == st_config.get_config_files("secrets.toml")[0]
    # HAProxy routes to exactly these services
    proxy = spec["services"]["haproxy"]
    cfg_mount = proxy["volumes"][0].split(":")[0]
    text = (DEPLOY / cfg_mount).read_text(encoding="utf-8")
    servers = haproxy_servers(text)
    assert set(servers) == set(apps) and all(servers[n] == n for n in servers)
    assert all(re.search(rf"server {n} {n}:8501 ", text) for n in apps)


def test_haproxy_config_is_valid_with_affinity_websocket_timeouts_and_health_checks():
    if not Path(HAPROXY).exists():
        pytest.skip("Debian's haproxy is not installed (.ci/run installs it)")
    r = subprocess.run([HAPROXY, "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    text = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
    assert re.search(r"^\s*cookie SRV insert indirect nocache\b", text, re.M)
    assert re.search(r"^\s*timeout tunnel (\d+)h", text, re.M)
    assert re.search(r"^\s*option httpchk GET /_stcore/health", text, re.M)
    assert re.search(r"^\s*option redispatch", text, re.M)
    # a broken copy is refused: the check is real
    broken = text.replace("balance roundrobin", "balance nonsense")
    r = subprocess.run([HAPROXY, "-c", "-f", "/dev/stdin"], input=broken, capture_output=True, text=True)
    assert r.returncode != 0


def test_the_benchmark_runs_the_deployment_config_with_only_bind_and_servers_rewritten():
    if not Path(HAPROXY).exists():
        pytest.skip("Debian's haproxy is not installed")
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        replicas = importlib.import_module("replicas")
    finally:
        sys.path.pop(0)
    text = replicas.haproxy_config(18080, [("app1", 18501), ("app2", 18502), ("app3", 18503)])
    assert haproxy_servers(text) == {"app1": "app1", "app2": "app2", "app3": "app3"}
    assert "bind 127.0.0.1:18080" in text and "127.0.0.1:18502 check cookie app2" in text
    original = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
    kept = [l for l in original.splitlines() if not re.match(r"\s*(bind|server|log stdout) ", l)]
    assert [l for l in text.splitlines() if l in kept] == kept
    r = subprocess.run([HAPROXY, "-c", "-f", "/dev/stdin"], input=text, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# ----------------------------------------------------------------------------------------- kubernetes
def manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted(K8S.rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            docs[doc["kind"]] = doc
    return docs


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network socket fails the test: the validation must work offline."""
    real = socket.socket

    class Offline(real):
        def connect(self, *a, **k):
            raise AssertionError("network access during validation")

        connect_ex = connect

    monkeypatch.setattr(socket, "socket", Offline)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(
        AssertionError("network access during validation")))


def test_every_manifest_validates_offline_and_a_broken_one_does_not(no_network):
    import kubernetes_validate
    docs = manifests()
    assert set(docs) == {"Deployment", "Service", "Ingress", "PersistentVolumeClaim", "Secret"}
    for kind, doc in docs.items():
        kubernetes_validate.validate(doc, "1.37.0", strict=True)
    broken = copy.deepcopy(docs["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = broken["spec"]["template"]["spec"][
        "containers"][0].pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.37.0", strict=True)
    missing = copy.deepcopy(docs["Service"])
    missing["spec"]["ports"][0]["port"] = "eighty"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(missing, "1.37.0", strict=True)


def test_deployment_replicas_probes_resources_volume_and_secrets():
    docs = manifests()
    dep = docs["Deployment"]
    pod = dep["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert dep["spec"]["replicas"] >= 2
    assert dep["spec"]["selector"]["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()
    port = container["ports"][0]
    assert port["containerPort"] == int(instruction("EXPOSE")[0])
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
        assert container[probe]["httpGet"]["port"] in (port["name"], port["containerPort"])
    memory = {k: container["resources"][k]["memory"] for k in ("requests", "limits")}
    mib = {k: int(v.removesuffix("Mi")) if v.endswith("Mi") else int(v.removesuffix("Gi")) * 1024
           for k, v in memory.items()}
    assert 400 <= mib["requests"] <= mib["limits"], "requests cover a loaded replica (README, Deploy)"
    uid = int(re.search(r"--uid (\d+)", next(a for a in instruction("RUN") if "useradd" in a)).group(1))
    assert pod["securityContext"]["runAsUser"] == uid and pod["securityContext"]["runAsNonRoot"]
    assert pod["securityContext"]["fsGroup"] == uid
    env = {e["name"]: e for e in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert env["IPMD_DB"]["value"].startswith(mounts["data"] + "/")
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == docs["PersistentVolumeClaim"]["metadata"]["name"]
    assert docs["PersistentVolumeClaim"]["spec"]["accessModes"] == ["ReadWriteMany"]
    secret = docs["Secret"]
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"] == {
        "name": secret["metadata"]["name"], "key": "cookie-secret"}
    assert volumes["secrets"]["secret"]["secretName"] == secret["metadata"]["name"]
    assert mounts["secrets"] + "/secrets.toml" == "/home/ipmd/.streamlit/secrets.toml"
    assert {i["key"] for i in volumes["secrets"]["secret"]["items"]} <= set(secret["stringData"])


def test_the_secret_template_holds_placeholders_only_and_is_not_applied_with_the_folder():
    path = K8S / "secret-template" / "secret.yaml"
    assert path.parent != K8S, "kubectl apply -f deploy/k8s/ must not apply the template"
    secret = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert secret["stringData"]["cookie-secret"].startswith("REPLACE")
    toml = secret["stringData"]["secrets.toml"]
    import tomllib
    parsed = tomllib.loads(toml)
    for key in ("cookie_secret", "client_id", "client_secret"):
        assert parsed["auth"][key].startswith("REPLACE"), key
    assert all(a.startswith("REPLACE") for role in ("committee", "secretariat") for a in parsed["ipmd_roles"][role])


def test_service_and_ingress_route_to_the_pods_with_cookie_affinity_and_long_timeouts():
    docs = manifests()
    dep, svc, ing = docs["Deployment"], docs["Service"], docs["Ingress"]
    assert svc["spec"]["selector"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()
    assert svc["spec"]["ports"][0]["targetPort"] == dep["spec"]["template"]["spec"]["containers"][0]["ports"][0]["name"]
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"] and backend["port"]["name"] == svc["spec"]["ports"][0]["name"]
    a = ing["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert a[prefix + "affinity"] == "cookie"
    assert a[prefix + "proxy-buffering"] == "off"
    assert int(a[prefix + "proxy-read-timeout"]) >= 3600 and int(a[prefix + "proxy-send-timeout"]) >= 3600
    assert ing["spec"]["ingressClassName"] == "nginx"


# ------------------------------------------------------------------------------ the ledger across replicas
WORKER = textwrap.dedent("""
    import json
    import sys
    from streamlit.testing.v1 import AppTest
    from ipmd import REPO_ROOT
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/methods.py")
    for line in sys.stdin:
        at.run()
        shown = " ".join(c.value for c in at.caption)
        errors = [e.value for e in at.exception]
        print(json.dumps([shown, errors]), flush=True)
""")


def test_every_process_serves_a_ledger_imported_by_another_on_its_next_run(tmp_path):
    """Two app processes (AppTest sessions, as two replicas) on one database file; a third process imports
    a ledger; each replica's next run shows the new content hash."""
    from ipmd.ledger.export import write_export
    from ipmd.queries import meta

    shared = tmp_path / "shared" / "ipmd.duckdb"
    shared.parent.mkdir()
    shutil.copy2(REPO_ROOT / "data" / "ipmd.duckdb", shared)
    ledger = tmp_path / "ledger.xlsx"
    write_export(shared, ledger)

    def current_hash() -> str:
        con = db.connect(shared)
        try:
            return meta(con)["content_hash"]
        finally:
            con.close()

    env = dict(os.environ, IPMD_DB=str(shared), PYTHONPATH=str(REPO_ROOT))
    replicas = [subprocess.Popen([sys.executable, "-c", WORKER], cwd=REPO_ROOT, env=env, text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
    timer = threading.Timer(600, lambda: [p.kill() for p in replicas])
    timer.start()

    def next_run(proc) -> tuple[str, list]:
        proc.stdin.write("run\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line, proc.stderr.read()[-3000:]
        return tuple(json.loads(line))

    try:
        before = current_hash()
        for proc in replicas:
            shown, errors = next_run(proc)
            assert not errors and before[:12] in shown
        # the command line's import, in another process
        result = subprocess.run([sys.executable, "-m", "ipmd.ledger", "import", str(ledger), "--db", str(shared)],
                                cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        after = current_hash()
        assert after != before
        for proc in replicas:
            shown, errors = next_run(proc)
            assert not errors
            assert after[:12] in shown and before[:12] not in shown
    finally:
        timer.cancel()
        for proc in replicas:
            proc.kill()
            proc.wait()


def test_a_replaced_file_is_noticed_even_with_the_same_size_and_time(tmp_path, monkeypatch):
    """An import renames a new file over the old one: another inode, even if the clock did not move."""
    data = importlib.import_module("components.data")
    path = tmp_path / "ipmd.duckdb"
    path.write_bytes(b"a" * 100)
    monkeypatch.setenv("IPMD_DB", str(path))
    first = data._stamp()
    new = tmp_path / "ipmd.duckdb.new"
    new.write_bytes(b"b" * 100)
    os.utime(new, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    os.replace(new, path)
    second = data._stamp()
    assert path.stat().st_size == 100 and path.stat().st_mtime_ns == first[2]
    assert second != first


# ------------------------------------------------------------------------------ the server entry (issue 18)
def test_compose_and_kubernetes_run_the_images_command_the_server_entry():
    """Neither overrides the image's command: every replica is started by the Dockerfile's CMD (ipmd_server.py)."""
    for name, svc in app_services(compose()).items():
        assert "command" not in svc and "entrypoint" not in svc, name
    (container,) = manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert "command" not in container and "args" not in container
    run = re.search(r"^run:.*\n\t(.*)$", (REPO_ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    assert run.split()[-3:] == ["streamlit", "run", SERVER_ENTRY.name]


def test_streamlit_run_finds_the_server_entry_as_an_app_serving_app_py():
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(SERVER_ENTRY)
    assert found.is_asgi_app and found.import_string == "ipmd_server:app"
    # imported in its own process: st.App pins the process's script folder
    out = subprocess.run([sys.executable, "-c", "import ipmd_server; print(ipmd_server.app.script_path)"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()) == REPO_ROOT / "app.py"


WARM_FAILS = textwrap.dedent("""
    import asyncio, json
    import ipmd_server

    class Broken:
        def connect_session(self, **kwargs):
            raise RuntimeError("no sessions today")

    import sys
    before = sys.getswitchinterval()
    result = asyncio.run(ipmd_server.warm_up(Broken(), timeout=5))
    print(json.dumps({**result, "switch_interval_restored": sys.getswitchinterval() == before}))
""")


def test_a_warm_up_that_fails_is_logged_and_returns():
    out = subprocess.run([sys.executable, "-c", WARM_FAILS], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["finished"] is False and result["charts"] == 0 and result["switch_interval_restored"]
    assert "the warm-up failed" in out.stderr and "no sessions today" in out.stderr


def serve(env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    """`streamlit run ipmd_server.py` with the Dockerfile's options (on a free loopback port), as deployed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "streamlit", "run", SERVER_ENTRY.name, f"--server.port={port}",
           "--server.address=127.0.0.1", "--server.fileWatcherType=none", "--server.headless=true"]
    out = open(log, "wb")
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env={**os.environ, **env, "PYTHONUNBUFFERED": "1"}, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)
    out.close()
    return proc, port


def wait_for(proc: subprocess.Popen, log: Path, port: int, text: str | None, timeout: float = 180) -> str:
    """Until the server answers its health check and (given `text`) its log holds `text`; the log."""
    import time
    import urllib.request

    deadline, healthy = time.monotonic() + timeout, False
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        if not healthy:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    healthy = r.status == 200
            except OSError:
                pass
        shown = log.read_text(errors="replace")
        if healthy and (text is None or text in shown):
            return shown
        time.sleep(0.2)
    raise AssertionError(f"not seen within {timeout:.0f} s: {text}\n{log.read_text(errors='replace')[-3000:]}")


@pytest.mark.parametrize("case", ["warm", "no database", "off"])
def test_the_served_app_warms_the_overview_at_start_and_serves_whatever_happens_to_it(tmp_path, case):
    """The overview's first run is made by the server itself as it starts (its map, no error); a run that fails
    (no database) is logged, and the server serves all the same; IPMD_WARM_UP=0 serves without it."""
    env = {"no database": {"IPMD_DB": str(tmp_path / "missing.duckdb")}, "off": {"IPMD_WARM_UP": "0"}}.get(case, {})
    log = tmp_path / "server.log"
    proc, port = serve(env, log)
    try:
        if case == "off":
            shown = wait_for(proc, log, port, None)
            import time
            time.sleep(3)
            assert "warm-up" not in log.read_text(errors="replace")
            return
        shown = wait_for(proc, log, port, "warm-up done")
        line = next(l for l in shown.splitlines() if "warm-up done" in l)
        if case == "warm":
            assert "(the overview's first run: 1 chart(s), 0 exception(s))" in line, line
            assert "Traceback" not in shown
        else:
            # the page's error is logged as any visitor's run would log it; the server goes on serving
            assert "0 chart(s), 1 exception(s)" in line, line
            import urllib.request
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as r:
                assert r.status == 200 and proc.poll() is None
    finally:
        bh_stop(proc)


def bh_stop(proc: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
