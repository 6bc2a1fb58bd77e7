// The probe script, embedded as a raw string. Plain Python 3 (no f-strings) so it
// runs on every interpreter torch ever supported (1.0 needed 3.5+). Each step is
// guarded: one failure is recorded and the next step still runs.
#include "act/verify_probe.h"

namespace torchup::act {

namespace {

// The checks of the guide's "3 verify the installation" (import torch,
// torch.rand(5, 3), torch.cuda.is_available()) plus build facts, a 64x64 matmul
// per GPU compared against the CPU result, and the package pairing.
constexpr const char* kScript = R"PY(
import json, os, sys, traceback, warnings
R = {"schema": "torchup.probe/1",
     "python": {"executable": sys.executable,
                "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
                "bits": 64 if sys.maxsize > 2 ** 32 else 32},
     "torch_locations": [], "torch_dists": [], "import_error": None, "torch": None,
     "torchvision": None, "torchaudio": None, "warnings": []}

def emit():
    sys.stdout.write("\n@@TORCHUP_PROBE@@" + json.dumps(R, default=str) + "\n")
    sys.stdout.flush()

def err_text(e):
    return (type(e).__name__ + ": " + str(e))[:2000]

for p in sys.path:
    d = os.path.join(p or os.getcwd(), "torch")
    if os.path.isfile(os.path.join(d, "__init__.py")) and d not in R["torch_locations"]:
        R["torch_locations"].append(d)
    try:
        for n in sorted(os.listdir(p or os.getcwd())):
            if n.startswith("torch-") and (n.endswith(".dist-info") or n.endswith(".egg-info")):
                R["torch_dists"].append(os.path.join(p, n))
    except Exception:
        pass

W = []
with warnings.catch_warnings(record=True) as W:
    warnings.simplefilter("always")
    try:
        import torch
    except BaseException as e:
        R["import_error"] = {"type": type(e).__name__, "message": str(e)[:2000],
                             "traceback": traceback.format_exc()[-3000:]}
        torch = None
    if torch is not None:
        T = {"version": str(torch.__version__), "location": os.path.dirname(torch.__file__),
             "cuda": getattr(torch.version, "cuda", None), "hip": getattr(torch.version, "hip", None),
             "xpu_available": False, "mps_available": False, "rand": None, "rand_error": None,
             "cuda_available": False, "cuda_error": None, "device_count": 0, "arch_list": [],
             "driver_cuda": None, "gpus": []}
        R["torch"] = T
        try:
            T["rand"] = str(torch.rand(5, 3))
        except BaseException as e:
            T["rand_error"] = err_text(e)
        try:
            T["xpu_available"] = bool(hasattr(torch, "xpu") and torch.xpu.is_available())
        except BaseException:
            pass
        try:
            mps = getattr(torch.backends, "mps", None)
            T["mps_available"] = bool(mps is not None and mps.is_available())
        except BaseException:
            pass
        try:
            T["cuda_available"] = bool(torch.cuda.is_available())
            if T["cuda_available"]:
                T["device_count"] = int(torch.cuda.device_count())
        except BaseException as e:
            T["cuda_error"] = err_text(e)
        try:
            T["arch_list"] = [str(a) for a in torch.cuda.get_arch_list()]
        except BaseException:
            pass
        try:
            v = int(torch._C._cuda_getDriverVersion())
            if v > 0:
                T["driver_cuda"] = "%d.%d" % (v // 1000, (v % 1000) // 10)
        except BaseException:
            pass
        for i in range(T["device_count"]):
            G = {"index": i, "name": "", "capability": None, "gcn_arch": None,
                 "total_memory": None, "matmul_ok": None, "matmul_max_diff": None, "error": None}
            T["gpus"].append(G)
            try:
                G["name"] = str(torch.cuda.get_device_name(i))
                G["capability"] = "%d.%d" % tuple(torch.cuda.get_device_capability(i))
                props = torch.cuda.get_device_properties(i)
                G["total_memory"] = int(props.total_memory)
                gcn = getattr(props, "gcnArchName", None)
                if gcn:
                    G["gcn_arch"] = str(gcn).split(":")[0]
                try:
                    torch.backends.cuda.matmul.allow_tf32 = False
                except BaseException:
                    pass
                g = torch.Generator().manual_seed(1234)
                a = torch.rand(64, 64, generator=g)
                b = torch.rand(64, 64, generator=g)
                want = a @ b
                got = (a.to("cuda:%d" % i) @ b.to("cuda:%d" % i)).cpu()
                diff = float((want - got).abs().max())
                G["matmul_max_diff"] = diff
                G["matmul_ok"] = bool(diff <= 1e-3 * max(1.0, float(want.abs().max())))
            except BaseException as e:
                G["error"] = err_text(e)
        for name in ("torchvision", "torchaudio"):
            P = {"installed": True, "version": None, "error": None}
            try:
                m = __import__(name)
                P["version"] = str(getattr(m, "__version__", ""))
            except ImportError as e:
                if getattr(e, "name", None) == name:
                    P["installed"] = False
                else:
                    P["error"] = err_text(e)
            except BaseException as e:
                P["error"] = err_text(e)
            R[name] = P
R["warnings"] = [str(w.message)[:1000] for w in (W or [])][:20]
emit()
)PY";

}  // namespace

const std::string& probe_script() {
  static const std::string script(kScript);
  return script;
}

}  // namespace torchup::act
