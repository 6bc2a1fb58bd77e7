#!/usr/bin/python
# -*- coding: utf-8 -*-
"""torchup_install: install the locked build of this node's group (torchup install --lock)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: torchup_install
short_description: Install exactly the wheels a torchup fleet lock chose for this node
version_added: "0.1.0"
description:
  - Runs C(torchup install --lock LOCK --yes --json) on the node (an argument vector, never a
    shell). torchup detects the node, picks the lock's group that matches it, installs exactly
    that group's locked wheels (from a bundle with I(bundle), with no network) and verifies them.
  - C(changed) is torchup's own answer; it is false when the locked build is already installed.
  - In check mode torchup runs with C(--dry-run); nothing changes, and C(changed) says whether
    the install would change the environment.
  - A node that matches no group of the lock (torchup exit status 2) fails the task, with
    C(no_group) true.
options:
  torchup:
    description: The torchup binary on the node, a path or a name looked up in C(PATH).
    type: str
    default: torchup
  lock:
    description: The lock file on the node (written by C(torchup fleet plan --lock)).
    type: path
    required: true
  bundle:
    description:
      - A directory holding the lock's wheels (written by C(torchup fleet fetch)), passed as
        C(--from); the install then needs no network.
    type: path
    required: false
  root:
    description: Choose the group from the machine read from this directory tree (C(--root)).
    type: path
    required: false
  python:
    description:
      - The interpreter to install for (C(--python)); default the one C(python3) runs.
      - With I(venv), the interpreter that creates the venv; torchup accepts the same pair
        again once the venv exists, and refuses a venv another interpreter made.
    type: str
    required: false
  venv:
    description: Install into this virtual environment, created when missing (C(--venv)).
    type: path
    required: false
  extra_args:
    description: More arguments for C(torchup install), appended as they are.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - torchup's exit status is returned as C(exit_status), never as C(rc).
author:
  - torchup developers
"""

EXAMPLES = r"""
- name: Install the node's locked build from the bundle
  torchup.fleet.torchup_install:
    torchup: /usr/local/bin/torchup
    lock: /var/lib/torchup/torchup-lock.json
    bundle: /var/lib/torchup/bundle
    venv: /opt/torch-venv
  register: torch_install

- name: Say which group the node is in
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }}: {{ torch_install.group }}"
"""

RETURN = r"""
changed:
  description: torchup's C("changed"); in check mode whether the install would change anything.
  returned: success
  type: bool
group:
  description: The id of the lock's group this node matched, e.g. C(cu126-linux-x86_64-cp311).
  returned: when torchup reported it
  type: str
  sample: cpu-linux-x86_64-cp311
result:
  description: torchup's JSON output, parsed.
  returned: when torchup printed JSON
  type: dict
cmd:
  description: The argument vector that was run.
  returned: always
  type: list
  elements: str
exit_status:
  description: torchup's exit status (0 installed or already there, 2 a usage error or no group matches the node).
  returned: always
  type: int
no_group:
  description: True when the node matches no group of the lock (torchup's error C(fleet.no-group)).
  returned: failure
  type: bool
stderr:
  description: torchup's standard error (pip's output among it).
  returned: always
  type: str
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule


def parse_json(stdout):
    """The JSON document torchup printed: the whole output, else from the last line that
    starts one (a line of other text before it is tolerated)."""
    text = stdout.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    lines = text.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith("{"):
            try:
                return json.loads("\n".join(lines[i:]))
            except ValueError:
                continue
    return None


def error_message(doc, stderr, stdout):
    """torchup's own words: {"error": {"message", "hint"}}, else an outcome's message, else
    the last lines of stderr."""
    if isinstance(doc, dict):
        err = doc.get("error")
        if isinstance(err, dict) and err.get("message"):
            return err["message"] + (" (" + err["hint"] + ")" if err.get("hint") else "")
        for key in ("message", "outcome", "summary"):
            value = doc.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"]
    tail = (stderr.strip() or stdout.strip()).splitlines()[-5:]
    return " / ".join(tail) if tail else "no output"


def no_group(doc, status, message):
    """torchup's "this machine matches no group of the lock" (exit 2, like a usage error)."""
    if status != 2:
        return False
    try:
        return doc["error"]["messages"]["message"]["id"] == "fleet.no-group"
    except (KeyError, TypeError):
        return "matches no group" in message


def main():
    module = AnsibleModule(
        argument_spec=dict(
            torchup=dict(type="str", default="torchup"),
            lock=dict(type="path", required=True),
            bundle=dict(type="path", required=False),
            root=dict(type="path", required=False),
            python=dict(type="str", required=False),
            venv=dict(type="path", required=False),
            extra_args=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    p = module.params
    torchup = p["torchup"]
    if "/" not in torchup:
        found = module.get_bin_path(torchup)
        if not found:
            module.fail_json(msg="torchup binary %r not found in PATH" % torchup, cmd=[torchup])
        torchup = found
    elif not os.access(torchup, os.X_OK):
        # run_command would fail the task itself, with the errno under "rc".
        module.fail_json(msg="torchup binary %s is missing or not executable" % torchup, cmd=[torchup])

    argv = [torchup, "install", "--lock", p["lock"], "--yes", "--json"]
    for option, value in (("--from", p["bundle"]), ("--root", p["root"]), ("--python", p["python"]),
                          ("--venv", p["venv"])):
        if value:
            argv += [option, value]
    if module.check_mode:
        argv.append("--dry-run")
    argv += p["extra_args"]

    status, stdout, stderr = module.run_command(argv, check_rc=False, environ_update={"NO_COLOR": "1"})
    doc = parse_json(stdout)
    facts = dict(cmd=argv, exit_status=status, stderr=stderr)
    if isinstance(doc, dict):
        facts["result"] = doc
        if isinstance(doc.get("group"), str):
            facts["group"] = doc["group"]

    if status != 0:
        message = error_message(doc, stderr, stdout)
        facts["no_group"] = no_group(doc, status, message)
        module.fail_json(msg="torchup install --lock failed (exit %d): %s" % (status, message),
                         stdout=stdout if doc is None else "", **facts)
    if not isinstance(doc, dict):
        module.fail_json(msg="torchup install --json printed no JSON object", stdout=stdout, **facts)
    if not isinstance(doc.get("changed"), bool):
        module.fail_json(msg="torchup install --json has no boolean \"changed\"", **facts)

    module.exit_json(changed=doc["changed"], **facts)


if __name__ == "__main__":
    main()
