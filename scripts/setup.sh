#!/usr/bin/env bash
# Installs what Silicortex needs from Debian's packages (idempotent: only what is missing).
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libtomlplusplus-dev libhdf5-dev libcli11-dev libfmt-dev libhwy-dev
  libgtest-dev libgmock-dev libbenchmark-dev libopenmpi-dev openmpi-bin zlib1g-dev liblz4-dev libzstd-dev
  python3 python3-dev pybind11-dev python3-numpy python3-h5py python3-brian python3-sklearn python3-pynn
  dataset-fashion-mnist
  libopenblas0-pthread
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
