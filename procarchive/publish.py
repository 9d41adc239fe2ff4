"""`procarchive publish OUTDIR`: a folder to deploy the archive from, with no sensitive data.

It holds the database (a redacted, vacuumed copy: procarchive.sensitive), metadata.yml, our
plugins and templates, the modules of archive/ the plugins import (in lib/), the plugin
packages pinned to the versions installed here, a script that serves it with the public
settings, and a README with the commands for `datasette publish` targets and for a plain
server behind a reverse proxy.
"""

from __future__ import annotations

import re
import shlex
import shutil
from importlib.metadata import version
from pathlib import Path

from archive.site import database_name
from procarchive.sensitive import redacted_copy
from procarchive.serve import (
    METADATA,
    PLUGINS,
    PUBLIC_SETTINGS,
    ROOT,
    TEMPLATES,
    load_metadata,
    write_inspect_file,
)

PACKAGES = (
    "datasette", "datasette-search-all", "datasette-atom", "datasette-vega",
    "datasette-block-robots", "datasette-sitemap",
)  # fmt: skip
PLUGIN_IMPORT = re.compile(r"^from archive\.(\w+) import", re.MULTILINE)
LIB_PYPROJECT = """[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "procarchive-site"
version = "1"
description = "The modules of procarchive's archive package that its Datasette plugins import"

[tool.setuptools]
packages = ["archive"]
"""


def plugin_modules() -> list[str]:
    """The modules of archive/ that the plugins import (standard library only, each)."""
    found = {
        name for path in PLUGINS.glob("*.py") for name in PLUGIN_IMPORT.findall(path.read_text())
    }
    return sorted(found)


def write_lib(out: Path) -> Path:
    """lib/archive/: what the plugins import, as a package to install or put on the path."""
    lib = out / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    (lib / "archive").mkdir(parents=True)
    for name in ["__init__", *plugin_modules()]:
        shutil.copy(ROOT / "archive" / f"{name}.py", lib / "archive" / f"{name}.py")
    (lib / "pyproject.toml").write_text(LIB_PYPROJECT, encoding="utf-8")
    return lib


def publish(db_path: str | Path, out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    db = f"{database_name(load_metadata())}.db"  # `datasette serve` names it by its file
    redacted_copy(db_path, out / db)
    write_inspect_file(out / db)  # table counts, so Datasette need not count
    shutil.copy(METADATA, out / "metadata.yml")
    for folder, name in ((PLUGINS, "plugins"), (TEMPLATES, "templates")):
        shutil.rmtree(out / name, ignore_errors=True)
        shutil.copytree(folder, out / name, ignore=shutil.ignore_patterns("__pycache__"))
    write_lib(out)
    pins = [f"{package}=={version(package)}" for package in PACKAGES]
    (out / "requirements.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")
    options = " ".join(f"--setting {name} {value}" for name, value in PUBLIC_SETTINGS.items())
    serve = (
        f"datasette serve -i {db} --inspect-file {Path(db).stem}.inspect.json "
        f"--metadata metadata.yml --plugins-dir plugins --template-dir templates {options}"
    )
    script = out / "serve.sh"
    script.write_text(
        "#!/bin/sh\n# Serve the published archive; HOST and PORT default to 127.0.0.1:8001.\n"
        'cd "$(dirname "$0")"\nexport PYTHONPATH="$PWD/lib${PYTHONPATH:+:$PYTHONPATH}"\n'
        f'exec {serve} --host "${{HOST:-127.0.0.1}}" '
        '--port "${PORT:-8001}"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    installs = " ".join(f"--install {shlex.quote(pin)}" for pin in pins[1:])
    (out / "README.md").write_text(
        README.format(serve=serve, installs=installs, options=options), encoding="utf-8"
    )
    return out


README = """# procarchive: published archive

`archive.db` is a copy of the archive without tax numbers (NPWP), without the names and
addresses of individual suppliers, with NPWP-shaped numbers and those suppliers' names masked
in every text and without the notices' content hashes. Serve it read-only (`-i`: immutable)
and with the options below: arbitrary SQL is off (`default_allow_sql off`), canned queries,
tables, search and CSV answer.

## A plain server behind a reverse proxy

    python3 -m venv venv && venv/bin/pip install -r requirements.txt ./lib
    venv/bin/{serve} --host 127.0.0.1 --port 8001
    # or: HOST=127.0.0.1 PORT=8001 ./serve.sh

Datasette listens on 127.0.0.1 only; the proxy faces the internet. A Datasette process
renders pages on one core at a time: on a server with several cores, run one a core
(`PORT=8001 ./serve.sh & PORT=8002 ./serve.sh &`) and list them all. nginx:

    upstream procarchive {{
        server 127.0.0.1:8001;
        server 127.0.0.1:8002;
    }}
    location / {{
        proxy_pass http://procarchive/;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
    }}

## `datasette publish`

    datasette publish cloudrun archive.db --service procarchive \\
      --inspect-file archive.inspect.json --metadata metadata.yml --plugins-dir plugins --template-dir templates \\
      --static lib:lib --install ./lib {installs} \\
      --extra-options "{options}"

`--static lib:lib` copies lib/ (the modules the plugins import) into the image, where
`--install ./lib` installs them. The same options work for `datasette publish fly` (plugin datasette-publish-fly) and
`datasette publish vercel` (datasette-publish-vercel). The database is opened immutable by
these targets.
"""
