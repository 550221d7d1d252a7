#!/usr/bin/env bash
# `cmake --install` into a temporary prefix: the installed program and Python module find the installed chip
# profiles and trained networks (not the source tree's), from any working directory.
set -euo pipefail
build="$1"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cd "$prefix"
# A marker in the installed copy: the program must read that one.
sed -i 's/^name = "truenorth"$/name = "installed-truenorth"/' share/silicortex/chips/truenorth.toml
bin/silicortex chip info truenorth | head -1 | grep -q "^installed-truenorth ($prefix/share/silicortex/chips/truenorth.toml)"
(cd / && PATH="$prefix/bin:$PATH" silicortex chip info truenorth | head -1 | grep -q "^installed-truenorth")
bin/silicortex --help >/dev/null
test -f share/silicortex/models/trained/fmnist_loihi.scxnet
test -f share/silicortex/configs/train/fmnist_loihi.toml
test -f share/doc/silicortex/user-guide.md
if [ -d "$build/python" ]; then
  PYTHONPATH="$(echo "$prefix"/lib/python3*/dist-packages)" /usr/bin/python3 -B -c "
import silicortex as sc
assert sc.__file__.startswith('$prefix'), sc.__file__
net = sc.read_model('share/silicortex/models/examples/truenorth_demo.toml')
assert sc.compile(net, 'truenorth').chip == 'installed-truenorth'
net = sc.read_trained_network('share/silicortex/models/trained/fmnist_loihi.scxnet')
import importlib.util
assert importlib.util.find_spec('silicortex.pynn').origin.startswith('$prefix')  # the PyNN backend too
"
fi
echo "installed program and module use $prefix/share/silicortex"
