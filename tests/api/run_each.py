#!/usr/bin/python3
"""Run every test case of one tests/api file on its own, each in a process (and so with a server)
of its own, to prove that no test leans on what another one stored.

    tests/api/run_each.py test_core_registry.py
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def case_ids(module):
    found = []

    def walk(suite):
        for t in suite:
            if isinstance(t, unittest.TestSuite):
                walk(t)
            else:
                found.append(t.id())
    walk(unittest.defaultTestLoader.loadTestsFromName(module))
    return found


def main():
    sys.path.insert(0, HERE)
    module = os.path.basename(sys.argv[1])[:-3]
    failed = []
    ids = case_ids(module)
    for case in ids:
        r = subprocess.run([sys.executable, "-W", "ignore", "-m", "unittest", case], cwd=HERE,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            failed.append(case)
            print("FAIL %s\n%s" % (case, r.stdout[-3000:]))
    print("%d of %d cases of %s passed alone" % (len(ids) - len(failed), len(ids), module))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
