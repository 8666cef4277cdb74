"""The checkers, from the npm registry, in a folder of the audit's own (`.audit-tools/` in the
project, git-ignored): installed the first time they are needed, or again when the major
version pinned here changes. Lighthouse only when asked for (it is the largest)."""

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# npm package → (the spec installed, the major version, the file the audit runs).
PACKAGES = {
    "axe-core": ("axe-core@4", 4, "axe.min.js"),
    "vnu-jar": ("vnu-jar@26", 26, "build/dist/vnu.jar"),
    "lighthouse": ("lighthouse@12", 12, "cli/index.js"),
}
INSTALL_TIMEOUT = 900  # seconds: Lighthouse is some 200 packages


class ToolError(RuntimeError):
    """A checker is missing and could not be installed, or Java/Node are not there to run it."""


@dataclass(frozen=True)
class Tools:
    folder: Path

    def file(self, package: str) -> Path:
        return self.folder / "node_modules" / package / PACKAGES[package][2]

    @property
    def axe_script(self) -> Path:
        return self.file("axe-core")

    @property
    def vnu_jar(self) -> Path:
        return self.file("vnu-jar")

    @property
    def lighthouse_cli(self) -> Path:
        return self.file("lighthouse")

    def installed_major(self, package: str) -> int | None:
        """The major version installed, or None when the package or its file is missing."""
        manifest = self.folder / "node_modules" / package / "package.json"
        try:
            version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
            major = int(str(version).split(".")[0])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return major if self.file(package).is_file() else None

    def missing(self, packages) -> list[str]:
        return [p for p in packages if self.installed_major(p) != PACKAGES[p][1]]


def ensure_tools(folder: Path, *, lighthouse: bool, write: Callable[[str], None]) -> Tools:
    """The tools in `folder`, installing what is missing; ToolError if that fails."""
    tools = Tools(folder)
    wanted = ["axe-core", "vnu-jar"] + (["lighthouse"] if lighthouse else [])
    if tools.missing(wanted):
        # npm prunes what the folder's (absent) package.json does not list, so every package
        # kept here is named each time, not only the missing one.
        kept = [p for p in PACKAGES if p in wanted or not tools.missing([p])]
        npm = shutil.which("npm")
        if npm is None:
            raise ToolError("npm is not installed (apt-get install npm): it installs the checkers.")
        specs = [PACKAGES[p][0] for p in kept]
        write(f"Installing {' '.join(specs)} into {folder} (once)…")
        folder.mkdir(parents=True, exist_ok=True)
        # No install scripts: vnu-jar's would fetch a Java runtime; the system's is used.
        command = [npm, "install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts"]
        command += ["--prefix", str(folder)]
        try:
            done = subprocess.run(
                [*command, *specs],
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ToolError(f"npm install did not finish: {error}") from error
        if done.returncode != 0 or tools.missing(wanted):
            raise ToolError(
                f"npm install {' '.join(specs)} failed:\n{(done.stderr or done.stdout)[-2000:]}"
            )
    needed = {"java": "the HTML checker (vnu.jar) needs it: apt-get install default-jre-headless"}
    if lighthouse:
        needed["node"] = "Lighthouse needs it: apt-get install nodejs"
    for program, why in needed.items():
        if shutil.which(program) is None:
            raise ToolError(f"{program} is not installed; {why}.")
    return tools
