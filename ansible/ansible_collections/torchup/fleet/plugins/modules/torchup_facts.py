#!/usr/bin/python
# -*- coding: utf-8 -*-
"""torchup_facts: this node's machine as torchup sees it (torchup detect --json)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: torchup_facts
short_description: Gather the node's machine facts with C(torchup detect --json)
version_added: "0.1.0"
description:
  - Runs C(torchup detect --json) on the node (an argument vector, never a shell) and returns
    the parsed machine document (schema C(torchup.machine/1)) as the fact C(torchup_machine).
  - The OS, glibc, every GPU with its compute capability, the NVIDIA driver and the highest
    CUDA it supports, ROCm, CUDA toolkits and the Python interpreters with their torch.
  - Only reads; never changes the node. Check mode runs it for real.
options:
  torchup:
    description:
      - The torchup binary on the node, a path or a name looked up in C(PATH).
    type: str
    default: torchup
  root:
    description:
      - Read the machine from this directory tree instead of the running system
        (C(torchup detect --root DIR)), such as a mounted disk, a container root or a test fixture.
    type: path
    required: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
notes:
  - A result key is never named C(rc); torchup's exit status is C(exit_status).
author:
  - torchup developers
"""

EXAMPLES = r"""
- name: Gather torchup facts
  torchup.fleet.torchup_facts:
    torchup: /usr/local/bin/torchup

- name: Read a machine from a directory tree
  torchup.fleet.torchup_facts:
    torchup: /srv/torchup
    root: /srv/root

- name: Show the GPUs
  ansible.builtin.debug:
    msg: "{{ torchup_machine.gpus | map(attribute='name') | list }}"
"""

RETURN = r"""
ansible_facts:
  description: The facts this module sets.
  returned: success
  type: dict
  contains:
    torchup_machine:
      description: The parsed output of C(torchup detect --json) (schema C(torchup.machine/1)).
      returned: success
      type: dict
      sample:
        schema: torchup.machine/1
        hostname: node1
        os: {family: linux, name: Debian GNU/Linux, version: "12", arch: x86_64, glibc: "2.36", wsl: false}
        gpus: []
        nvidia: null
        pythons: [{path: /usr/bin/python3.11, version: 3.11.2, active: true}]
cmd:
  description: The argument vector that was run.
  returned: always
  type: list
  elements: str
  sample: [/srv/torchup, detect, --json, --root, /srv/root]
exit_status:
  description: torchup's exit status (on failure).
  returned: failure
  type: int
stderr:
  description: torchup's standard error.
  returned: always
  type: str
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule


def torchup_error_message(stdout):
    """torchup --json reports an error as {"error": {"message": ...}} on stdout."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        err = doc["error"]
        message = err.get("message") or ""
        if err.get("hint"):
            message += " (" + err["hint"] + ")"
        return message or None
    return None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            torchup=dict(type="str", default="torchup"),
            root=dict(type="path", required=False),
        ),
        supports_check_mode=True,
    )
    torchup = module.params["torchup"]
    if "/" not in torchup:
        found = module.get_bin_path(torchup)
        if not found:
            module.fail_json(msg="torchup binary %r not found in PATH" % torchup, cmd=[torchup])
        torchup = found
    elif not os.access(torchup, os.X_OK):
        # run_command would fail the task itself, with the errno under "rc".
        module.fail_json(msg="torchup binary %s is missing or not executable" % torchup, cmd=[torchup])
    argv = [torchup, "detect", "--json"]
    if module.params["root"]:
        argv += ["--root", module.params["root"]]

    status, stdout, stderr = module.run_command(argv, check_rc=False, environ_update={"NO_COLOR": "1"})
    if status != 0:
        message = torchup_error_message(stdout) or stderr.strip() or stdout.strip()
        module.fail_json(msg="torchup detect failed (exit %d): %s" % (status, message),
                         cmd=argv, exit_status=status, stdout=stdout, stderr=stderr)
    try:
        machine = json.loads(stdout)
    except ValueError as e:
        module.fail_json(msg="torchup detect --json printed no JSON: %s" % e,
                         cmd=argv, exit_status=status, stdout=stdout, stderr=stderr)
    if not isinstance(machine, dict) or not str(machine.get("schema", "")).startswith("torchup.machine/"):
        module.fail_json(msg="torchup detect --json printed no torchup.machine document",
                         cmd=argv, exit_status=status, stdout=stdout, stderr=stderr)

    module.exit_json(changed=False, ansible_facts={"torchup_machine": machine}, cmd=argv, stderr=stderr)


if __name__ == "__main__":
    main()
