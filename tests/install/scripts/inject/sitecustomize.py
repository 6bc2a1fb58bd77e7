"""Test-only fault injection into a real pip run (tests/install, capture_outputs.py).

Put this directory on PYTHONPATH and set TORCHUP_TEST_INJECT:
  memoryerror  pip raises MemoryError while downloading a file, unless --no-cache-dir is
               on its command line (the guide's remedy, which torchup applies)
  enospc       pip raises OSError(ENOSPC, "No space left on device") while downloading
Without TORCHUP_TEST_INJECT this file does nothing. It patches
pip._internal.network.download.response_chunks (pip 23.0.1, the wheel Debian 12's
ensurepip bundles: /usr/share/python-wheels/pip-23.0.1-py3-none-any.whl), which every
file download iterates, when that module is first imported.
"""
import errno
import importlib.util
import os
import sys

_MODE = os.environ.get("TORCHUP_TEST_INJECT", "")
_TARGET = "pip._internal.network.download"


def _patch(module):
    real = module.response_chunks

    def response_chunks(*args, **kwargs):
        if _MODE == "memoryerror" and "--no-cache-dir" not in sys.argv:
            raise MemoryError()
        if _MODE == "enospc":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        yield from real(*args, **kwargs)

    module.response_chunks = response_chunks


class _Hook:
    def find_spec(self, name, path=None, target=None):
        if name != _TARGET:
            return None
        sys.meta_path.remove(self)  # let the normal finders locate the module
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        real_exec = spec.loader.exec_module

        def exec_module(module):
            real_exec(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec


if _MODE in ("memoryerror", "enospc"):
    sys.meta_path.insert(0, _Hook())
