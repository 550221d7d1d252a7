"""Checks a NIR file against the on-disk layout of the reference writer (nir.write, shared/reference/ecosystem.md
section 1.2-1.3) using h5py only. Usage: nir_layout_check.py FILE. Prints 'ok' or the first problem; exit 1 on failure."""
import sys

import h5py
import numpy as np

# type -> (required datasets, optional datasets)
SPEC = {
    "Input": ({"shape"}, set()), "Output": ({"shape"}, set()),
    "Affine": ({"weight", "bias"}, set()), "Linear": ({"weight"}, set()), "Scale": ({"scale"}, set()),
    "Conv1d": ({"weight", "stride", "padding", "dilation", "groups", "bias"}, {"input_shape"}),
    "Conv2d": ({"weight", "stride", "padding", "dilation", "groups", "bias"}, {"input_shape"}),
    "SumPool2d": ({"kernel_size", "stride", "padding"}, set()), "AvgPool2d": ({"kernel_size", "stride", "padding"}, set()),
    "Flatten": ({"start_dim", "end_dim"}, {"input_type"}), "Delay": ({"delay"}, set()),
    "Threshold": ({"threshold"}, set()), "I": ({"r"}, set()), "IF": ({"r", "v_threshold", "v_reset"}, set()),
    "LI": ({"tau", "r", "v_leak"}, set()), "LIF": ({"tau", "r", "v_leak", "v_threshold", "v_reset"}, set()),
    "CubaLI": ({"tau_syn", "tau_mem", "r", "v_leak", "w_in"}, set()),
    "CubaLIF": ({"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"}, set()),
}
NEURONS = {"Threshold", "I", "IF", "LI", "LIF", "CubaLI", "CubaLIF"}


def text(ds):
    assert ds.shape == (), f"{ds.name}: not a scalar"
    assert h5py.check_string_dtype(ds.dtype) is not None, f"{ds.name}: not a string"
    v = ds[()]
    return v.decode() if isinstance(v, bytes) else v


def check_graph(g):
    edges = g["edges"]
    assert edges.ndim == 2 and edges.shape[1] == 2, f"{edges.name}: shape {edges.shape}"
    assert h5py.check_string_dtype(edges.dtype) is not None, f"{edges.name}: not strings"
    names = set(g["nodes"].keys())
    for a, b in edges[()]:
        for e in (a, b):
            e = e.decode() if isinstance(e, bytes) else e
            assert e in names, f"{edges.name}: edge names unknown node {e!r}"
    for name, node in g["nodes"].items():
        t = text(node["type"])
        if t == "NIRGraph":
            check_graph(node)
            continue
        assert t in SPEC, f"{node.name}: unknown type {t}"
        req, opt = SPEC[t]
        keys = set(node.keys()) - {"type", "metadata"}
        assert req <= keys, f"{node.name}: missing {req - keys}"
        assert keys <= req | opt, f"{node.name}: unexpected {keys - req - opt}"
        shapes = set()
        for k in keys:
            ds = node[k]
            assert ds.dtype.kind in "fiu", f"{ds.name}: dtype {ds.dtype}"
            if ds.dtype.kind == "f" and ds.ndim > 0 and ds.size > 0:  # numpy arrays; tuples of ints stay plain
                assert ds.compression == "gzip", f"{ds.name}: arrays are gzip-compressed by nir.write"
            if t in NEURONS:
                shapes.add(ds.shape)
        assert len(shapes) <= 1, f"{node.name}: neuron parameters differ in shape {shapes}"
        if t in ("Input", "Output"):
            assert node["shape"].dtype == np.int64 and node["shape"].ndim == 1, f"{node.name}/shape"
        if t in ("Affine", "Linear"):
            assert node["weight"].ndim == 2, f"{node.name}/weight"


def main():
    with h5py.File(sys.argv[1], "r") as f:
        assert set(f.keys()) == {"version", "node"}, f"root holds {set(f.keys())}"
        version = text(f["version"])
        assert version.split(".")[0].isdigit(), f"version {version!r}"
        assert text(f["node/type"]) == "NIRGraph"
        assert len(f.attrs) == 0, "graph files use no attributes"
        check_graph(f["node"])
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"layout error: {e}")
        sys.exit(1)
