"""gitrepo.py -- the real Git repositories the CLI tests build: a temporary directory with `git
init`, files written by path, commits by a fixed author (so that no machine setting is needed)."""
import os
import subprocess
import tempfile

AUTHOR = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
          "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(repo, *args):
    subprocess.run(["git", "-C", repo] + list(args), check=True, capture_output=True,
                   env=dict(os.environ, **AUTHOR))


def write(repo, files):
    """Write {path: text} below `repo`, making directories as needed."""
    for path, text in files.items():
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


def commit(repo, message):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


class Repo:
    """A new repository on branch main, removed by cleanup(); with `files`, committed as "base"."""

    def __init__(self, files=None):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = self.tmp.name
        git(self.path, "init", "-q", "-b", "main")
        if files:
            self.write(files)
            self.commit("base")

    def write(self, files):
        write(self.path, files)

    def commit(self, message):
        commit(self.path, message)

    def rev(self, spec):
        return subprocess.run(["git", "-C", self.path, "rev-parse", spec], capture_output=True,
                              text=True, check=True).stdout.strip()

    def cleanup(self):
        self.tmp.cleanup()
